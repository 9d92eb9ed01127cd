/**
 * What is wrong with text JSON.parse refused, without V8's excerpt of the text: since V8 11 the
 * message quotes about ten characters around the error (`Unexpected token 'X', ..."Secret":Xy7~Q8abcd"...
 * is not valid JSON`), and in a profile file those characters may be part of a secret.
 */
export function jsonSyntaxProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const withoutExcerpt = message.replace(/,?\s*(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)?\s*is not valid JSON\s*$/, '').trim();
  return withoutExcerpt || 'parse error';
}
