import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{t as a,u as b}from"./chunk-3c8f1998.js";import"./chunk-7841e095.js";import"./chunk-729d0646.js";import"./chunk-a1275c7e.js";import"./chunk-e3b0c442.js";export{a as UndoKind,b as executeUndo};
