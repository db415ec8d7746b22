/** Measuring, in the page, whether text can be read: WCAG contrast and clipped text. */
import { Locator } from '@playwright/test';

/** WCAG 2's minimum contrast for normal-sized text (level AA). */
export const MIN_CONTRAST = 4.5;

export interface IContrast {
  /** What was measured, to name it in a failure. */
  what: string;
  /** (L1 + 0.05) / (L2 + 0.05) of the text's colour and what is painted behind it. */
  ratio: number;
  color: string;
  background: string;
}

/**
 * The contrast of ``locator``'s text colour against its background, from
 * ``getComputedStyle``: its own background colour over its ancestors' (translucent
 * layers blended, down to the first opaque one), and the text colour over that.
 */
export async function contrastOf(locator: Locator, what: string): Promise<IContrast> {
  const measured = await locator.evaluate((element: Element) => {
    type RGBA = [number, number, number, number];
    // Chromium writes computed colours as rgb()/rgba(), or color(srgb ...) for
    // color-mix() and other CSS Color 4 values.
    const parse = (css: string): RGBA => {
      const legacy = /^rgba?\(([^)]*)\)$/.exec(css);
      const modern = /^color\(srgb ([^)]*)\)$/.exec(css);
      const parts = (legacy ?? modern)?.[1]
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      if (!parts || parts.length < 3 || parts.some(Number.isNaN)) {
        throw new Error(`cannot read the colour ${css}`);
      }
      const scale = modern ? 255 : 1;
      return [parts[0] * scale, parts[1] * scale, parts[2] * scale, parts[3] ?? 1];
    };
    const over = (top: RGBA, bottom: RGBA): RGBA => {
      const a = top[3];
      return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat(1) as RGBA;
    };
    const layers: RGBA[] = [];
    for (let e: Element | null = element; e; e = e.parentElement) {
      const layer = parse(getComputedStyle(e).backgroundColor);
      if (layer[3] > 0) {
        layers.push(layer);
      }
      if (layer[3] >= 1) {
        break;
      }
    }
    let background: RGBA = [255, 255, 255, 1]; // the browser's canvas, under everything
    for (const layer of layers.reverse()) {
      background = over(layer, background);
    }
    const color = over(parse(getComputedStyle(element).color), background);
    const luminance = (c: RGBA) => {
      const [r, g, b] = c.slice(0, 3).map(v => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [light, dark] = [luminance(color), luminance(background)].sort((a, b) => b - a);
    const css = (c: RGBA) => `rgb(${c.slice(0, 3).map(Math.round).join(', ')})`;
    return {
      ratio: (light + 0.05) / (dark + 0.05),
      color: css(color),
      background: css(background)
    };
  });
  return { what, ...measured };
}

/** How far each option's text overflows its <select> (0: it fits), in pixels. */
export async function selectOverflow(
  select: Locator
): Promise<{ text: string; overflow: number }[]> {
  return select.evaluate((element: HTMLSelectElement) => {
    const style = getComputedStyle(element);
    const room =
      element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d')!;
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    return [...element.options].map(option => ({
      text: option.text,
      overflow: Math.max(0, context.measureText(option.text).width - room)
    }));
  });
}
