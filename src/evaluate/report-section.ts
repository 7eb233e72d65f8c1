/**
 * A section of report.html that a later command fills in (the target benchmark, measured by
 * `deepline bench-target` after the run): the run writes it between two HTML comments, and the
 * command replaces what lies between them, so the rest of the page stays as the run wrote it.
 */
export type ReportSectionName = 'target-bench';

const open = (name: ReportSectionName): string => `<!-- deepline:${name} -->`;
const close = (name: ReportSectionName): string => `<!-- /deepline:${name} -->`;

/** The section `name` holding `html`, between its markers. */
export function reportSection(name: ReportSectionName, html: string): string {
  return `${open(name)}\n${html}\n${close(name)}`;
}

/**
 * `page` with the section `name` holding `html`: the content between its markers replaced, or,
 * in a report written before the section existed, the section added at the end of the body.
 */
export function fillReportSection(page: string, name: ReportSectionName, html: string): string {
  const start = page.indexOf(open(name));
  const end = start < 0 ? -1 : page.indexOf(close(name), start);
  if (start >= 0 && end >= 0) return `${page.slice(0, start)}${reportSection(name, html)}${page.slice(end + close(name).length)}`;
  const body = page.lastIndexOf('</body>');
  const at = body < 0 ? page.length : body;
  return `${page.slice(0, at)}${reportSection(name, html)}\n${page.slice(at)}`;
}
