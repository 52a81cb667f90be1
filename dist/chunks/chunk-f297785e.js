import{a as e}from"./chunk-e3b0c442.js";var r=class extends Error{static{e(this,"ConnectionError")}name="ConnectionError"};export{r as a};
