"""sparkmagic's auto-visualization widget on a local DataFrame, with no Livy server:
``autoviz(df)`` answers autovizwidget's ``AutoVizWidget`` (table, pie, scatter, line,
area and bar charts of the rows, X / Y / aggregation chosen in the widget), as
sparkmagic shows a ``%%sql`` result.

The widget draws a pandas DataFrame in the browser, so a Spark DataFrame (or an Arrow
table, a DuckDB relation) is cut to its first ``max_rows`` rows before it comes to the
driver (sparkmagic's default, 2,500) and the widget says so above its charts.

Two departures from sparkmagic, both for the library versions installed here:

- the charts are drawn by our renderer, not autovizwidget's: its ``GraphRenderer``
  calls ``plotly.offline.iplot(fig, show_link=False)``, which plotly 6 and later refuse
  (``show_link`` is gone), and embeds all of plotly.js in the cell on every redraw. Ours
  takes the traces from autovizwidget's own chart classes (the same grouping and
  aggregation) and displays the figure as Plotly's MIME type, which JupyterLab's plotly
  extension draws;
- autovizwidget pins ``pandas<3`` in its metadata, and sparkmagic itself needs
  Kerberos headers to build (``gssapi``); the widget runs on pandas 3 (the tests draw
  every chart type), so autovizwidget and hdijupyterutils are installed without their
  dependencies, and sparkmagic's Livy client not at all.

>>> from hopsml_lab import validation
>>> validation.autoviz(spark_df, max_rows=1000)                 # doctest: +SKIP
"""

from __future__ import annotations

import functools
from typing import Any

from .errors import BadSource

MAX_ROWS = 2500
"""sparkmagic's default number of rows a ``%%sql`` result brings to the notebook."""


def autoviz(data: Any, max_rows: int | None = MAX_ROWS) -> Any:
    """sparkmagic's ``AutoVizWidget`` over the first ``max_rows`` rows of ``data`` (a
    Spark or pandas DataFrame, an Arrow table, a DuckDB relation; ``None``: every row,
    all brought to the driver). It opens on the table; its buttons switch to pie,
    scatter, line, area and bar charts.

    >>> autoviz(pandas_df)                                        # doctest: +SKIP
    """
    try:
        from autovizwidget.widget.autovizwidget import AutoVizWidget
        from autovizwidget.widget.encoding import Encoding
        from autovizwidget.widget.utils import select_x, select_y
    except ImportError:
        raise ImportError(
            "autoviz needs sparkmagic's autovizwidget: pip install --no-deps "
            "autovizwidget==0.23.0 hdijupyterutils==0.23.0"
        ) from None
    if max_rows is not None and (
        not isinstance(max_rows, int) or isinstance(max_rows, bool) or max_rows < 1
    ):
        raise BadSource(f"max_rows={max_rows!r}: give a positive number of rows, or None")
    frame, cut = rows_of(data, max_rows)
    # as sparkmagic's display_dataframe: the table first, X and Y guessed from the types
    x = select_x(frame)
    encoding = Encoding(
        chart_type=Encoding.chart_type_table,
        x=x,
        y=select_y(frame, x),
        y_aggregation=Encoding.y_agg_max,
    )
    widget = AutoVizWidget(frame, encoding, renderer=renderer_class()(), nested_widget_mode=True)
    if cut:
        from ipywidgets import HTML

        note = HTML(f"<i>The first {max_rows:,} rows (max_rows={max_rows}).</i>")
        widget.children = (note, *widget.children)
    return widget


def rows_of(data: Any, max_rows: int | None) -> tuple[Any, bool]:
    """The first ``max_rows`` rows of ``data`` as a pandas DataFrame, and whether rows
    were left out (one more row than shown is read to know)."""
    import duckdb
    import pandas as pd
    import pyarrow as pa

    from .duck import _is_dataset, _is_pandas
    from .spark import is_spark

    limit = None if max_rows is None else max_rows + 1
    if _is_pandas(data):
        frame = data if limit is None else data.head(limit)
    elif is_spark(data):
        frame = (data if limit is None else data.limit(limit)).toPandas()
    elif _is_dataset(data):
        frame = (data.to_table() if limit is None else data.head(limit)).to_pandas()
    elif isinstance(data, pa.Table | pa.RecordBatch):
        frame = (data if limit is None else data.slice(0, limit)).to_pandas()
    elif isinstance(data, duckdb.DuckDBPyRelation):
        frame = (data if limit is None else data.limit(limit)).df()
    else:
        raise BadSource(
            f"autoviz draws a Spark or pandas DataFrame, an Arrow table or a DuckDB "
            f"relation, not a {type(data).__module__}.{type(data).__name__}"
        )
    cut = max_rows is not None and len(frame) > max_rows
    frame = frame.iloc[:max_rows] if cut else frame
    return pd.DataFrame(frame).reset_index(drop=True), cut


@functools.cache
def renderer_class() -> type:
    """autovizwidget's ``GraphRenderer`` (which tells the widget the controls of each
    chart type) drawing with plotly's ``Figure``; an instance's ``last`` is the figure it
    drew last (``None`` for the table, or when it printed why it could not draw)."""
    from autovizwidget.plotlygraphs.datagraph import DataGraph
    from autovizwidget.plotlygraphs.graphrenderer import GraphRenderer
    from autovizwidget.plotlygraphs.piegraph import PieGraph

    class FigureRenderer(GraphRenderer):
        def __init__(self) -> None:
            self.last: Any = None

        def render(self, df: Any, encoding: Any, output: Any) -> None:  # type: ignore[override]
            self.last = None
            graph = GraphRenderer._get_graph(encoding.chart_type)
            if isinstance(graph, DataGraph):
                graph.render(df, encoding, output)
                return
            figure, why = (
                _pie(df, encoding) if isinstance(graph, PieGraph) else _xy(graph, df, encoding)
            )
            with output:
                if figure is None:
                    print(why)
                    return
                from IPython.display import display

                self.last = figure
                bundle = {"application/vnd.plotly.v1+json": figure.to_plotly_json()}
                display({**bundle, "text/plain": why}, raw=True)

    return FigureRenderer


def _pie(df: Any, encoding: Any) -> tuple[Any, str]:
    import autovizwidget.utils.configuration as conf
    import plotly.graph_objects as go
    from autovizwidget.plotlygraphs.piegraph import PieGraph
    from autovizwidget.widget.invalidencodingerror import InvalidEncodingError
    from pandas.errors import DataError

    if encoding.x is None:
        return None, "Please select an X axis."
    try:
        values, labels = PieGraph._get_x_values_labels(df, encoding)
    except InvalidEncodingError as error:
        return None, str(error)
    except (TypeError, ValueError, DataError) as error:
        return None, f"Cannot group by {encoding.x!r} ({error}): please select another column."
    if len(values) > conf.max_slices_pie_graph():
        return None, (
            f"{len(values)} slices would make the pie unresponsive: select an X with at "
            f"most {conf.max_slices_pie_graph()} values."
        )
    return go.Figure([go.Pie(values=values, labels=labels)]), f"pie of {encoding.x}"


def _xy(graph: Any, df: Any, encoding: Any) -> tuple[Any, str]:
    import plotly.graph_objects as go
    from autovizwidget.widget.invalidencodingerror import InvalidEncodingError

    if encoding.x is None or encoding.y is None:
        return None, "Please select an X and Y axis."
    try:
        data = graph._get_data(df, encoding)
    except InvalidEncodingError as error:
        return None, str(error)
    axis = {True: "log", False: "-"}
    layout = go.Layout(
        xaxis={
            "type": axis[encoding.logarithmic_x_axis],
            "rangemode": "tozero",
            "title": {"text": str(encoding.x)},
        },
        yaxis={
            "type": axis[encoding.logarithmic_y_axis],
            "rangemode": "tozero",
            "title": {"text": str(encoding.y)},
        },
    )
    return go.Figure(data=data, layout=layout), f"{encoding.chart_type} of {encoding.y}"
