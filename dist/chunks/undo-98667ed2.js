import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{e as a,f as b}from"./chunk-388b747d.js";import"./chunk-57bab6aa.js";import"./chunk-7841e095.js";import"./chunk-c9f3c617.js";import"./chunk-a1275c7e.js";import"./chunk-e3b0c442.js";export{a as UndoKind,b as executeUndo};
