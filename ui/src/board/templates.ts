/** Client-side template preview (the core's `fillTemplate` is the authority and validates). */

const VAR = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The body with each filled variable replaced and each empty one left as `{{name}}`. */
export function previewTemplate(body: string, values: Record<string, string>): string {
  return body.replace(VAR, (whole, name: string) => {
    const v = values[name];
    return v !== undefined && v.trim() !== '' ? v : `{{${name}}}`;
  });
}

/** Variables still without a value. */
export function missingValues(variables: readonly string[], values: Record<string, string>): string[] {
  return variables.filter((v) => (values[v] ?? '').trim() === '');
}
