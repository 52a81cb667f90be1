#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{l as a,m as b}from"./chunk-MC55X4H6.js";import"./chunk-72WBGBZX.js";import"./chunk-KHYQCORR.js";import"./chunk-FDQW5REH.js";import"./chunk-G3JUBM7W.js";import"./chunk-AT4DBTWZ.js";import"./chunk-H4AH6J5A.js";import"./chunk-4BXLDDFD.js";import"./chunk-IRSNRLR6.js";export{a as UndoKind,b as executeUndo};
//# sourceMappingURL=undo-QX7OTZXW.js.map
