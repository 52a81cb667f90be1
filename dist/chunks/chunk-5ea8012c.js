var o=["default","before-method-only","after-method-only","during-method-only","continuously"],t=["continously","skip"],e=["default","always","never","deviated"];export{o as a,t as b,e as c};
