/** The one quoting function for every value that reaches a shell script. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes a value as one shell word: bare when it is plainly safe, else in single quotes. */
export function shellQuote(value: string | number): string {
  const text = String(value);
  if (text.includes("\0")) throw new Error("a NUL byte cannot be passed to a shell");
  if (text !== "" && SAFE.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Several values as shell words, each quoted by shellQuote, separated by single spaces. */
export function shellQuoteList(values: readonly (string | number)[]): string {
  return values.map(shellQuote).join(" ");
}
