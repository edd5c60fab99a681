// Where the sign-in page sends you afterwards: only a page of this site, never another one.

const HOME = "/caseload";

// `raw` resolved against this site's `origin` as a browser would follow it (backslashes, tabs and
// line breaks included): kept only if it stays on that origin, as a path with its query.
export function safeNext(raw, origin) {
  if (typeof raw !== "string" || !raw.startsWith("/")) return HOME;
  let target;
  try {
    target = new URL(raw, origin);
  } catch {
    return HOME;
  }
  if (target.origin !== new URL(origin).origin || target.pathname.startsWith("//")) return HOME;
  return target.pathname + target.search + target.hash;
}
