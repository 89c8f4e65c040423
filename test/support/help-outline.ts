/**
 * The language-independent outline of a node's help file
 * (`nodes/<node>/locales/<lang>/<node>.html`): what must be the same in every
 * translation. Headings and prose are translated; message property names,
 * port lists and code stay as they are, so they can be compared.
 */
export interface HelpSection {
  /** The `<h3>` text as written (translated). */
  heading: string;
  /** How many `<h4>` sub-sections (Details uses them for errors and the like). */
  subsections: number;
  /** The names in `<dt>`s, without their type (`payload.options`, `jobId`, …). */
  properties: string[];
  /** Entries of an `<ol class="node-ports">` (one per output). */
  ports: number;
  /** The distinct `<code>` texts, sorted. */
  code: string[];
}

export interface HelpOutline {
  /** The node type of `data-help-name`, or undefined when the file is not one help block. */
  type: string | undefined;
  /** The text before the first heading: the summary, used as the palette tooltip. */
  summary: string;
  sections: HelpSection[];
}

const BLOCK = /^\s*<script type="text\/html" data-help-name="([^"]+)">([\s\S]*)<\/script>\s*$/;

function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

function all(re: RegExp, html: string): string[] {
  return [...html.matchAll(re)].map((m) => m[1]);
}

function section(heading: string, body: string): HelpSection {
  const ports = /<ol class="node-ports">([\s\S]*?)<\/ol>/.exec(body);
  return {
    heading: text(heading),
    subsections: all(/<h4>([\s\S]*?)<\/h4>/g, body).length,
    properties: all(/<dt[^>]*>([\s\S]*?)<\/dt>/g, body).map((dt) => text(dt.replace(/<span[\s\S]*$/, ''))),
    ports: ports ? (ports[1].match(/<li[\s>]/g) ?? []).length : 0,
    code: [...new Set(all(/<code>([\s\S]*?)<\/code>/g, body).map((c) => c.replace(/\s+/g, ' ').trim()))].sort(),
  };
}

export function helpOutline(file: string): HelpOutline {
  const block = BLOCK.exec(file);
  if (!block) return { type: undefined, summary: '', sections: [] };
  const [summary, ...rest] = block[2].split(/<h3>/);
  const sections = rest.map((part) => {
    const end = part.indexOf('</h3>');
    return section(part.slice(0, end), part.slice(end + 5));
  });
  return { type: block[1], summary: text(summary), sections };
}

/** The help's section headings in each language (Node-RED's own translations use the same words). */
export const HELP_HEADINGS: Record<string, Record<string, string>> = {
  Inputs: { de: 'Eingangsdaten', nl: 'Invoer', fr: 'Entrées' },
  Outputs: { de: 'Ausgangsdaten', nl: 'Uitvoer', fr: 'Sorties' },
  Details: { de: 'Details', nl: 'Details', fr: 'Détails' },
  References: { de: 'Referenzen', nl: 'Referenties', fr: 'Références' },
};
