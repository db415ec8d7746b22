import { ISignal } from '@lumino/signaling';
import { useEffect, useReducer } from 'react';

/** Redraw the component whenever the signal fires. */
export function useSignal<T>(signal: ISignal<T, void>): void {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const slot = () => redraw();
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}
