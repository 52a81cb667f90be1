import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a,b}from"./chunk-2672c305.js";import"./chunk-fd156d4c.js";import"./chunk-ffa9edb2.js";import"./chunk-8d36e1da.js";import"./chunk-7841e095.js";import"./chunk-c9f3c617.js";import"./chunk-a1275c7e.js";import"./chunk-e3b0c442.js";export{a as UndoKind,b as executeUndo};
