/**
 * Draws an IFigure with plotly.js. plotly.js (~4.8 MB) is imported on first use, so it
 * is a chunk of its own that the sidebar never loads.
 */
import React, { useEffect, useRef, useState } from 'react';

import { IFigure, readTheme, themedData, themedLayout } from './charts';
import { useThemeName } from './hooks';

type PlotlyApi = (typeof import('plotly.js-dist-min'))['default'];

let plotly: Promise<PlotlyApi> | null = null;

/** plotly.js, loaded once. A CommonJS bundle: bundlers put its exports on `default`. */
export function loadPlotly(): Promise<PlotlyApi> {
  plotly ??= import('plotly.js-dist-min').then(
    module => module.default ?? (module as unknown as PlotlyApi)
  );
  return plotly;
}

export function Plot(props: { figure: IFigure; label: string }): JSX.Element {
  const { figure } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const theme = useThemeName(); // drawn again in the colours of a new theme

  useEffect(() => {
    let current = true;
    loadPlotly()
      .then(async Plotly => {
        const element = ref.current;
        if (current && element) {
          const theme = readTheme(element);
          const layout = themedLayout(figure.layout, theme);
          await Plotly.react(element, themedData(figure.data, theme), layout, {
            displaylogo: false,
            responsive: true
          });
        }
      })
      .catch((reason: unknown) => current && setError(String(reason)));
    return () => {
      current = false;
    };
  }, [figure, theme]);

  // The main area resizes panels without a window resize event: follow the element.
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(() => {
      void loadPlotly().then(Plotly => {
        if (element.isConnected && element.querySelector('.main-svg')) {
          void Plotly.Plots.resize(element);
        }
      });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      void loadPlotly().then(Plotly => Plotly.purge(element));
    };
  }, []);

  return (
    <div className="hopsml-Plot" data-chart={props.label} aria-label={props.label}>
      {error && <div className="hopsml-Error">Cannot draw the chart: {error}</div>}
      <div ref={ref} className="hopsml-Plot-figure" />
    </div>
  );
}
