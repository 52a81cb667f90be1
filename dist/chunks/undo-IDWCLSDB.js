#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{d as a,e as b,f as c}from"./chunk-M5NI6ESG.js";import"./chunk-IRSNRLR6.js";export{a as UndoFileError,b as createUndoLog,c as replayUndoFile};
//# sourceMappingURL=undo-IDWCLSDB.js.map
