#!/usr/bin/env node
import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as s}from"./chunks/chunk-e3b0c442.js";import*as e from"node:module";e.enableCompileCache?.();var{main:r}=await import("./chunks/main-7c2d365b.js"),c=await r(process.argv.slice(2),{stdout:s(o=>process.stdout.write(`${o}
`),"stdout"),stderr:s(o=>process.stderr.write(`${o}
`),"stderr"),cwd:process.cwd(),env:process.env,onSignal:s(o=>(process.on("SIGINT",o),process.on("SIGTERM",o),()=>{process.off("SIGINT",o),process.off("SIGTERM",o)}),"onSignal")});process.exitCode=c;
