import { escapeHtml } from './escape-html.ts';

/** The look every deepline HTML page shares: system fonts, quiet tables, SVG chart classes. */
export const PAGE_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:1060px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.sub{color:#57606a}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:120px}.card b{display:block;font-size:20px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:right}th{background:#f6f8fa}
td:first-child,th:first-child{text-align:left}pre{background:#f6f8fa;padding:8px;border-radius:6px;overflow:auto}
.charts{display:flex;flex-wrap:wrap;gap:16px}.bar{background:#2563eb;height:10px;display:inline-block}
.alarm{color:#cf222e;font-weight:600}.ok{color:#1a7f37}
svg .grid{stroke:#eaeef2}svg .frame{fill:none;stroke:#8c959f}svg .tick{font-size:11px;fill:#57606a}
svg .axis-label,svg .chart-title{font-size:12px;fill:#1f2328}svg .marker{stroke:#8c959f;stroke-dasharray:4 3}svg .count{font-size:11px}
`;

/** A self-contained, script-free HTML page: inline CSS and the given sections (HTML) only. */
export function htmlPage(title: string, sections: readonly string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · deepline</title><style>${PAGE_STYLE}</style></head><body>${sections.join('\n')}</body></html>\n`;
}
