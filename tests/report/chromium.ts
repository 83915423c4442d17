// Renders an HTML report in Debian's headless Chromium (tools/install-deps.sh installs it; set
// CHROMIUM to use another binary) and measures it there: a script added to a copy of the page
// takes every SVG element's getBBox(), checks texts against their boxes and each other, node
// boxes against each other, and HTML cells for overflow, and writes the findings into the DOM,
// which --dump-dom prints. The page itself (with its no-script policy) is what is screenshot.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";

export const CHROMIUM = process.env.CHROMIUM ?? "chromium";

export interface LayoutCheck {
  svgs: { id: string; width: number; height: number; elements: number; texts: number }[];
  /** Elements whose box is empty (a rect or text with no width or height, a path with neither). */
  zeroBoxes: string[];
  /** Texts that leave their SVG's viewBox, or (in the pipeline) their node's box. */
  textOverflows: string[];
  /** Pairs of texts in one SVG whose boxes overlap. */
  textOverlaps: string[];
  /** Pairs of pipeline node boxes that overlap. */
  nodeOverlaps: string[];
  /** HTML cells and paragraphs whose text is wider than they are. */
  htmlOverflows: string[];
  nodes: number;
}

// checkLayout(root) measures what lies under root (the document, or one page's section of a probe
// that holds several pages).
const CHECK_FUNCTION = `function checkLayout(root) {
  const out = { svgs: [], zeroBoxes: [], textOverflows: [], textOverlaps: [], nodeOverlaps: [], htmlOverflows: [], nodes: 0 };
  const hit = (a, b) => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;
  const within = (a, b) => a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.width <= b.x + b.width + 0.5 && a.y + a.height <= b.y + b.height + 0.5;
  const pairs = (items, report) => {
    items.sort((p, q) => p.b.x - q.b.x);
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length && items[j].b.x < items[i].b.x + items[i].b.width; j++)
        if (hit(items[i].b, items[j].b)) report(items[i], items[j]);
  };
  for (const svg of root.querySelectorAll("svg")) {
    const vb = svg.viewBox.baseVal;
    const r = svg.getBoundingClientRect();
    const els = [...svg.querySelectorAll("rect, text, path, line, circle")].filter((e) => !e.closest("defs"));
    for (const e of els) {
      const b = e.getBBox();
      const line = e.tagName === "path" || e.tagName === "line";
      if (line ? b.width <= 0 && b.height <= 0 : b.width <= 0 || b.height <= 0) out.zeroBoxes.push(svg.id + " " + e.tagName + " " + (e.textContent || e.getAttribute("d") || ""));
    }
    const texts = [...svg.querySelectorAll("text")].map((t) => ({ t: t.textContent, b: t.getBBox() }));
    for (const x of texts) if (!within(x.b, vb)) out.textOverflows.push(svg.id + ": " + x.t);
    pairs(texts, (a, b) => out.textOverlaps.push(svg.id + ": " + a.t + " / " + b.t));
    out.svgs.push({ id: svg.id, width: r.width, height: r.height, elements: els.length, texts: texts.length });
  }
  const nodes = [...root.querySelectorAll("#pipeline g.node")].map((g) => ({ g, b: g.querySelector("rect").getBBox() }));
  out.nodes = nodes.length;
  for (const n of nodes) for (const t of n.g.querySelectorAll("text")) if (!within(t.getBBox(), n.b)) out.textOverflows.push("node: " + t.textContent);
  pairs(nodes, (a, b) => out.nodeOverlaps.push(a.g.textContent + " / " + b.g.textContent));
  for (const e of root.querySelectorAll("td, th, p, h1, h2")) if (e.scrollWidth > e.clientWidth + 1) out.htmlOverflows.push(e.textContent.slice(0, 80));
  return out;
}`;

const CHECK = `(() => {
  ${CHECK_FUNCTION}
  const pre = document.createElement("pre");
  pre.id = "layout-check";
  pre.textContent = JSON.stringify(checkLayout(document));
  document.body.appendChild(pre);
})();`;

// Several pages, each in a section of its own under the first page's head (the reports share one
// style sheet), measured one section at a time.
const CHECK_SECTIONS = `(() => {
  ${CHECK_FUNCTION}
  const pre = document.createElement("pre");
  pre.id = "layout-check";
  pre.textContent = JSON.stringify([...document.querySelectorAll("body > section.probe")].map((s) => checkLayout(s)));
  document.body.appendChild(pre);
})();`;

const POLICY = /<meta http-equiv="Content-Security-Policy" content="[^"]*">\n/;

function flags(profile: string): string[] {
  // No sandbox (CI runs as root), no /dev/shm (small in containers), a profile of its own.
  return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run", `--user-data-dir=${profile}`];
}

/** Measures `htmlFile` in Chromium and writes a screenshot of it to `screenshot` (PNG). */
export async function renderInChromium(htmlFile: string, screenshot: string, size: [number, number]): Promise<LayoutCheck> {
  const dir = mkdtempSync(join(tmpdir(), "chromium-"));
  const html = readFileSync(htmlFile, "utf8");
  if (!POLICY.test(html)) throw new Error(`${htmlFile} has no Content-Security-Policy line to lift for the measuring script`);
  const probe = join(dir, "probe.html");
  writeFileSync(probe, html.replace(POLICY, "").replace("</body>", `<script>${CHECK}</script>\n</body>`));
  const dom = await execa(CHROMIUM, [...flags(join(dir, "profile")), `--window-size=${size[0]},${size[1]}`, "--dump-dom", pathToFileURL(probe).href], { reject: false, timeout: 120_000 });
  const m = /<pre id="layout-check">([^<]*)<\/pre>/.exec(dom.stdout);
  if (!m) throw new Error(`Chromium printed no layout check (exit ${dom.exitCode}): ${dom.stderr.split("\n").slice(-3).join(" | ")}`);
  const shot = await execa(CHROMIUM, [...flags(join(dir, "profile")), `--window-size=${size[0]},${size[1]}`, `--screenshot=${resolve(screenshot)}`, pathToFileURL(resolve(htmlFile)).href], { reject: false, timeout: 120_000 });
  if (shot.exitCode !== 0) throw new Error(`Chromium took no screenshot (exit ${shot.exitCode}): ${shot.stderr.split("\n").slice(-3).join(" | ")}`);
  return parseCheck(m[1]!) as LayoutCheck;
}

function parseCheck(text: string): unknown {
  return JSON.parse(text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
}

/**
 * Measures several HTML reports in one Chromium launch (no screenshots): their bodies become
 * sections of one probe page under the first report's head, each measured as a page of its own.
 * Every report must carry the same style sheet as the first.
 */
export async function measureInChromium(htmlFiles: string[], size: [number, number]): Promise<LayoutCheck[]> {
  const dir = mkdtempSync(join(tmpdir(), "chromium-"));
  const pages = htmlFiles.map((f) => {
    const html = readFileSync(f, "utf8");
    const m = /^([\s\S]*<style>[\s\S]*<\/style>)[\s\S]*<body>\n([\s\S]*)<\/body>/.exec(html);
    if (!m || !POLICY.test(html)) throw new Error(`${f} is not an HTML report with a style sheet, a policy and a body`);
    return { head: m[1]!, body: m[2]! };
  });
  const style = (head: string) => head.slice(head.indexOf("<style>"));
  for (const [k, p] of pages.entries()) if (style(p.head) !== style(pages[0]!.head)) throw new Error(`${htmlFiles[k]} has a style sheet other than ${htmlFiles[0]}'s`);
  const probe = join(dir, "probe.html");
  const sections = pages.map((p) => `<section class="probe">\n${p.body}</section>`).join("\n");
  writeFileSync(probe, `${pages[0]!.head.replace(POLICY, "")}\n</head>\n<body>\n${sections}\n<script>${CHECK_SECTIONS}</script>\n</body>\n</html>\n`);
  const dom = await execa(CHROMIUM, [...flags(join(dir, "profile")), `--window-size=${size[0]},${size[1]}`, "--dump-dom", pathToFileURL(probe).href], { reject: false, timeout: 120_000 });
  const m = /<pre id="layout-check">([^<]*)<\/pre>/.exec(dom.stdout);
  if (!m) throw new Error(`Chromium printed no layout check (exit ${dom.exitCode}): ${dom.stderr.split("\n").slice(-3).join(" | ")}`);
  const checks = parseCheck(m[1]!) as LayoutCheck[];
  if (checks.length !== htmlFiles.length) throw new Error(`Chromium measured ${checks.length} of ${htmlFiles.length} pages`);
  return checks;
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  if (b.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a") throw new Error(`${file} is not a PNG`);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}
