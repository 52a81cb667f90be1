import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{B as a,C as b}from"./chunk-f79dd505.js";import"./chunk-7841e095.js";import"./chunk-a1275c7e.js";import"./chunk-e3b0c442.js";export{a as UndoKind,b as executeUndo};
