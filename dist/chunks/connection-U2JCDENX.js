#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h}from"./chunk-X3JZ6TAU.js";import"./chunk-H4AH6J5A.js";import"./chunk-IRSNRLR6.js";export{b as ConnectionError,a as DEFAULT_IN_CLUSTER_PATHS,c as KUBERNETES_SETTING_KEYS,h as createKubernetesService,f as describeConnection,g as formatConnectionInfo,d as parseVerifySsl,e as resolveConnection};
//# sourceMappingURL=connection-U2JCDENX.js.map
