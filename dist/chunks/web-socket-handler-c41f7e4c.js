import{a}from"./chunk-067f62d9.js";import"./chunk-63cb1cc5.js";import"./chunk-e3b0c442.js";export{a as WebSocketHandler};
