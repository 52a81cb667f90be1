#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{l as a,m as b}from"./chunk-4H5JJOPD.js";import"./chunk-72WBGBZX.js";import"./chunk-KHYQCORR.js";import"./chunk-T5KABMCZ.js";import"./chunk-G3JUBM7W.js";import"./chunk-AT4DBTWZ.js";import"./chunk-TENFDKUO.js";import"./chunk-4BXLDDFD.js";import"./chunk-IRSNRLR6.js";export{a as UndoKind,b as executeUndo};
//# sourceMappingURL=undo-GRBAFHEL.js.map
