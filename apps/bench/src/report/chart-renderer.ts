import { fileURLToPath } from "node:url";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * Fonts resvg draws the text with: DejaVu Sans from the `dejavu-fonts-ttf` package, which `npm ci`
 * installs, so a chart has its text on any machine, whatever fonts the system has.
 */
const fontFile = (name: string): string => fileURLToPath(import.meta.resolve(`dejavu-fonts-ttf/ttf/${name}`));
const FONT = {
  loadSystemFonts: false,
  fontFiles: [fontFile("DejaVuSans.ttf"), fontFile("DejaVuSans-Bold.ttf")],
  defaultFontFamily: "DejaVu Sans",
  sansSerifFamily: "DejaVu Sans",
};

/** A vega-lite spec as SVG, through vega's headless renderer (no canvas, no browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A vega-lite spec as PNG bytes, at twice the spec's size so text stays sharp. */
export async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  const svg = await renderSvg({ background: "white", config: { font: "DejaVu Sans" }, ...spec } as TopLevelSpec);
  return new Resvg(svg, { font: FONT, fitTo: { mode: "zoom", value: 2 }, background: "white" }).render().asPng();
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString("latin1", 12, 16) !== "IHDR") {
    throw new Error("[bench] not a PNG: the signature or IHDR chunk is missing");
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
