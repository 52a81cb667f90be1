#!/usr/bin/env node
import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as s}from"./chunks/chunk-e3b0c442.js";import*as t from"node:module";var r;function o(e){if(r!==void 0){let i=r;setTimeout(()=>process.exit(i),1e3).unref()}else process.listenerCount(e)===1&&(process.off("SIGINT",o),process.off("SIGTERM",o),process.kill(process.pid,e))}s(o,"lastListener");process.on("SIGINT",o);process.on("SIGTERM",o);t.enableCompileCache?.();var{main:n}=await import("./chunks/main-c26c017f.js"),c=await n(process.argv.slice(2),{stdout:s(e=>process.stdout.write(`${e}
`),"stdout"),stderr:s(e=>process.stderr.write(`${e}
`),"stderr"),terminal:{isTTY:process.stderr.isTTY===!0,write:s(e=>process.stderr.write(e),"write")},cwd:process.cwd(),env:process.env,onSignal:s(e=>(process.on("SIGINT",e),process.on("SIGTERM",e),()=>{process.off("SIGINT",e),process.off("SIGTERM",e)}),"onSignal")});process.exitCode=c;r=c;
