// Print README's table of the clip and review pages' keys, made from the key map:
// `node web/js/keymap-table.mjs`.
import { keyTable } from "./keymap.js";

console.log(keyTable());
