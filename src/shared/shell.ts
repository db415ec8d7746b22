/** Putting a view in JupyterLab's main area, the same way for every domain. */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { hopsmlIcon } from './icon';

/** Wrap the view in a MainAreaWidget (same id, HopsML icon), add it and bring it forward. */
export function showInMain<T extends Widget>(
  app: JupyterFrontEnd,
  content: T
): MainAreaWidget<T> {
  const widget = new MainAreaWidget<T>({ content });
  widget.id = content.id;
  widget.title.icon = hopsmlIcon;
  app.shell.add(widget, 'main');
  app.shell.activateById(widget.id);
  return widget;
}
