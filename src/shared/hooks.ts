import { ISignal } from '@lumino/signaling';
import { useEffect, useReducer, useState } from 'react';

/** Redraw the component whenever the signal fires. */
export function useSignal<T>(signal: ISignal<T, void>): void {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const slot = () => redraw();
    signal.connect(slot);
    // The signal may have fired between the render and this effect (a child's layout
    // effect, or an answer arriving before a busy browser ran the effect): that
    // change reached no slot, so draw once more now that one listens.
    redraw();
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}

/** JupyterLab's theme name, redrawing when the user switches theme (JupyterLab marks
 * the body with data-jp-theme-name once the new theme's CSS is in place). */
export function useThemeName(): string {
  const read = () => document.body.dataset.jpThemeName ?? '';
  const [name, setName] = useState(read);
  useEffect(() => {
    const observer = new MutationObserver(() => setName(read()));
    observer.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-name']
    });
    return () => observer.disconnect();
  }, []);
  return name;
}
