/** @jest-environment ./jest-env-jsdom.js */
import { Signal } from '@lumino/signaling';
import { render } from '@testing-library/react';
import React, { useLayoutEffect } from 'react';

import { useSignal } from '../hooks';

/** A model whose state changes, announced by a signal. */
class Model {
  readonly changed = new Signal<this, void>(this);
  value = 'loading';
  set(value: string): void {
    this.value = value;
    this.changed.emit();
  }
}

function Shown(props: { model: Model; children?: React.ReactNode }): JSX.Element {
  useSignal(props.model.changed);
  return (
    <div>
      <span data-testid="value">{props.model.value}</span>
      {props.children}
    </div>
  );
}

/** Changes the model during the commit, before the parent's passive effects run: as
 * an answer does when it arrives before a busy browser runs them. */
function ChangesEarly(props: { model: Model }): null {
  useLayoutEffect(() => props.model.set('loaded'), [props.model]);
  return null;
}

describe('useSignal', () => {
  it('redraws on each emission', async () => {
    const model = new Model();
    const { findByText, getByTestId } = render(<Shown model={model} />);
    expect(getByTestId('value').textContent).toBe('loading');
    React.act(() => model.set('loaded'));
    expect(await findByText('loaded')).toBeTruthy();
  });

  it('shows a change made between the render and the subscription', () => {
    const model = new Model();
    const { getByTestId } = render(
      <Shown model={model}>
        <ChangesEarly model={model} />
      </Shown>
    );
    expect(getByTestId('value').textContent).toBe('loaded');
  });
});
