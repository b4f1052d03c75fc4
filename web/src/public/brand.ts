/**
 * The business's accent colour on its customer pages, made safe to read: buttons carry white text
 * on it and links are drawn in it on white, so a colour lighter than WCAG's 4.5:1 against white is
 * darkened until it passes. Pure functions (no React).
 */
export interface PublicBusiness {
  name: string;
  logoUrl: string | null;
  brandColor: string | null;
}

type Rgb = [number, number, number];

const parse = (hex: string): Rgb | null => {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : null;
};
const toHex = (c: Rgb) => `#${c.map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, "0")).join("")}`;

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Contrast ratio of a colour against white (1 to 21). */
export const contrastWithWhite = (c: Rgb) => 1.05 / (luminance(c) + 0.05);

/** CSS variables for the customer pages, or none for Bookstream's own colours. */
export function brandStyle(color: string | null | undefined): Record<string, string> | undefined {
  const rgb = color ? parse(color) : null;
  if (!rgb) return undefined;
  let c = rgb;
  for (let i = 0; i < 40 && contrastWithWhite(c) < 4.5; i++) c = c.map((v) => v * 0.92) as Rgb;
  const soft = rgb.map((v) => 255 - (255 - v) * 0.12) as Rgb;
  const deep = c.map((v) => v * 0.7) as Rgb;
  return { "--brand": toHex(c), "--brand-soft": toHex(soft), "--brand-ink": "#ffffff", "--brand-deep": toHex(deep) };
}
