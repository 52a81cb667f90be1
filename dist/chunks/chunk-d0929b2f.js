import{a as v}from"./chunk-b80b5cb7.js";import{a as m,c as y,f as S,g as b}from"./chunk-fb81e3d1.js";import{b as O}from"./chunk-ee0fa0a3.js";import{a as s}from"./chunk-e3b0c442.js";var ie={name:"chaos-action",version:"0.1.0",description:"Gate deployments with Chaos Toolkit experiments on Kubernetes: a GitHub Action and a CLI.",type:"module",license:"MIT",repository:{type:"git",url:"git+https://github.com/chaos-action/chaos-action.git"},bin:{"chaos-action":"dist/cli.js"},engines:{node:">=24"},scripts:{build:"node scripts/build.js",lint:"biome check .",format:"biome format --write .",typecheck:"tsc --noEmit",test:"npm run lint && npm run typecheck && vitest run",bench:"npm run build && node bench/run.ts",fuzz:"FUZZ_RUNS=10000 FUZZ_DRY_RUNS=1000 vitest run test/fuzz",schema:"node scripts/schema.ts","fault-suite":"node scripts/fault-suite.ts",signatures:"node scripts/chaosk8s-signatures.ts"},devDependencies:{"@biomejs/biome":"^2.6.8","@types/node":"^24.19.2","@types/ws":"^8.18.2",esbuild:"^0.28.2","fast-check":"^4.11.0",node:"^24.21.0",typescript:"^5.9.3",vitest:"^4.1.12"},dependencies:{"@actions/artifact":"^6.2.1","@actions/core":"^3.0.1","@actions/github":"^9.1.1","@actions/tool-cache":"^4.0.0","@kubernetes/client-node":"^2.0.1",dotenv:"^18.0.10","js-yaml":"^5.5.0",selfsigned:"^5.5.0",tinyglobby:"^0.2.17",ws:"^8.23.0",yaml:"^2.9.1",zod:"^4.6.7"},allowScripts:{node:!0,esbuild:!0},files:["dist","action.yml","schema","README.md"]};var le="CHAOS_ACTION_WEBHOOK_URL",V=s(t=>O(t)!==0,"notifiesOn");function R(t){let e;try{e=new URL(t)}catch{return"is not a URL"}if(e.protocol!=="https:"&&e.protocol!=="http:")return"must be an https:// (or http://) URL"}s(R,"webhookUrlProblem");var B={passed:"\u2713",skipped:"\u2013",deviated:"\u2717",failed:"\u2717",invalid:"\u2717"};function ce(t){let e=t.where?` on ${t.where}`:"",o=t.outcomes.length,r=t.outcomes.filter(a=>V(a.verdict)),n=t.error?`chaos-action: the run ${t.verdict==="invalid"?"could not start":"failed"}${e}: ${t.error}`:`chaos-action: ${t.verdict}${e}: ${r.length} of ${o} experiment${o===1?"":"s"} did not hold`,i=r.map(a=>`${B[a.verdict]} ${a.title?`${a.title} (${a.file})`:a.file}: ${a.reason.split(`
`)[0]}`);return[n,...i].join(`
`)}s(ce,"webhookText");async function ue(t,e,o={}){let r=o.fetch??fetch;try{let n=await r(t,{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify({text:e}),signal:AbortSignal.timeout(o.timeoutMs??1e4)});return await n.body?.cancel(),n.ok?void 0:`the webhook notification was refused: HTTP ${n.status}`}catch(n){let i=n.cause;return`the webhook notification could not be sent: ${n instanceof Error&&n.name==="TimeoutError"?"no answer within the timeout":typeof i?.code=="string"?i.code:"the request failed"}`}}s(ue,"notifyWebhook");function J(t,e){let o=Array.from({length:e.length+1},(r,n)=>n);for(let r=1;r<=t.length;r++){let n=[r];for(let i=1;i<=e.length;i++){let a=o[i-1]+(t[r-1]===e[i-1]?0:1);n[i]=Math.min(o[i]+1,n[i-1]+1,a)}o=n}return o[e.length]}s(J,"editDistance");function w(t,e){let o=Math.max(2,Math.floor(t.length/3)),r;for(let n of e){let i=J(t,n);i<=o&&(r===void 0||i<r.distance)&&(r={word:n,distance:i})}return r?.word}s(w,"closest");var{parseArgs:f}=process.getBuiltinModule("node:util");var u=class extends Error{static{s(this,"UsageError")}name="UsageError";problems;constructor(e){let o=typeof e=="string"?[e]:e;super(o.join(`
`)),this.problems=o}},x={names:{vars:"--var",hypothesisStrategy:"--hypothesis-strategy",hypothesisFrequency:"--hypothesis-frequency",rollbackStrategy:"--rollback-strategy",maxAffected:"--max-affected",timeout:"--timeout",activityTimeout:"--activity-timeout",undoTimeout:"--undo-timeout",recoveryTimeout:"--recovery-timeout",leaseWait:"--lease-wait"},problem:s((t,e,o)=>`${t} expects ${o}, got '${e}'`,"problem")},A=`Exit status: 0 every experiment held (or a dry run found nothing to stop the real run); 1 one deviated,
failed or was interrupted (or a dry run found the real run would be refused or reach nothing); 2 bad input.`,L=`  --journal-path PATH           journal file (one experiment) or directory (several)
  --var KEY[:TYPE]=VALUE        override a configuration value (repeatable)
  --var-file FILE               overrides from .json/.yaml ({configuration, secrets}) or .env (repeatable)
  --hypothesis-strategy S       default | before-method-only | after-method-only | during-method-only | continuously
  --hypothesis-frequency SEC    seconds between hypothesis checks during the method (default 1)
  --fail-fast                   stop the method at the first deviation seen during it
  --rollback-strategy S         default | always | never | deviated
  --dry-run                     validate, resolve and print what would run and what it would touch
                                (exit 1 when the real run would be refused or reach nothing)
  --allow-no-target             a method action that reaches no object does not fail the experiment
  --allow-node-drain            drain_nodes may evict (never delete) the pods of every namespace on the
                                drained nodes, kube-system included; they are listed in the log and report
  --timeout SECONDS             limit for each experiment's whole run
  --activity-timeout SECONDS    limit for each activity (an activity's own \`timeout\` key is ignored)
  --undo-timeout SECONDS        after the method, how long failing undo steps are retried (default 120)
  --recovery-timeout SECONDS    after the undo, how long the hypothesis may take to hold again before the
                                next experiment (default 120; 0 turns the check off)
  --cluster auto|in-cluster|sim auto: kubeconfig / KUBERNETES_* / in-cluster; in-cluster: the pod's service
                                account only (a CronJob); sim: the built-in simulated cluster
  --sim-manifests PATH          manifests loaded into the simulated cluster (repeatable; default: a demo app)
  --sim-latency MS              the simulated cluster answers every request this much later
  --sim-deny VERB:RESOURCE[:NS] the simulated cluster's RBAC forbids it, e.g. delete:pods, create:pods/eviction
  --sim-fault STATUS[:METHOD[:PATH]]  the simulated cluster answers STATUS to matching requests, e.g. 500:DELETE:/pods/
  --kubeconfig PATH             kubeconfig file (beats every other source)
  --context NAME                kubeconfig context
  --namespaces NS[,NS...]       namespaces actions may touch (default: those the experiment names)
  --max-affected N|N%           most objects one action may touch
  --undo-file PATH              where undo steps of our own cluster changes are kept
  --output text|jsonl           jsonl: the verdicts as JSON lines on stdout, one per experiment and one
                                for the run (progress and the table stay on stderr)
  --webhook-url URL             POST a Slack-compatible {"text": ...} message when the run does not hold
                                (default: $CHAOS_ACTION_WEBHOOK_URL; the URL is never printed)
  --lease-wait SECONDS          how long to wait while another run holds a Lease on the same targets
                                (default 120; 0 fails at once)`,K=`chaos-action: run Chaos Toolkit experiments natively, gate deployments on their verdict.

Usage:
  chaos-action run [FILE|DIR|GLOB...] [options]
  chaos-action validate [FILE|DIR|GLOB...] [--no-env] [--var K=V]... [--var-file F]...
  chaos-action cleanup --undo-file FILE [--kubeconfig PATH] [--context NAME]
  chaos-action report JOURNAL...      print the Markdown report of saved journals
  chaos-action <command> --help       the usage of one command
  chaos-action --help | --version

Targets default to ${m}. A directory or glob runs every experiment in it, in path order.

run options:
${L}

${A}`,C={run:`Usage: chaos-action run [FILE|DIR|GLOB...] [options]

Validates every experiment, then runs them one after another in path order: the steady-state
hypothesis, the method, the hypothesis again, the rollbacks and the undo of our own changes.
Targets default to ${m}.

Options:
${L}
  -h, --help                    this text

${A}`,validate:`Usage: chaos-action validate [FILE|DIR|GLOB...] [options]

Checks every experiment (structure, refs, python modules and functions, placeholders, configuration
and secrets) without running anything. Targets default to ${m}.

Options:
  --no-env                      check without the environment: no variable is read (\`type: env\` values
                                without a default are not checked, with a warning), no PATH lookup;
                                for a lint-only job
  --var KEY[:TYPE]=VALUE        override a configuration value (repeatable)
  --var-file FILE               overrides from .json/.yaml ({configuration, secrets}) or .env (repeatable)
  -h, --help                    this text

Exit status: 0 every experiment is valid; 2 one is not (or a bad flag).`,cleanup:`Usage: chaos-action cleanup --undo-file FILE [options]

Replays the undo steps a run left pending in FILE (newest first), then deletes the run's Leases.

Options:
  --undo-file FILE              the undo file a run printed (required)
  --kubeconfig PATH             kubeconfig file (beats every other source)
  --context NAME                kubeconfig context
  -h, --help                    this text

Exit status: 0 nothing is left to undo; 1 some steps are still pending (run cleanup again).`,report:`Usage: chaos-action report JOURNAL...

Prints on stdout the Markdown report (as in the job summary and the pull-request comment) of saved
journals.

Options:
  -h, --help                    this text

Exit status: 0 the report was printed; 2 a file cannot be read as a journal.`},be=s(t=>t!==void 0&&Object.hasOwn(C,t)?C[t]:K,"usageOf"),W=s(t=>t===void 0?void 0:t.split(",").map(e=>e.trim()).filter(Boolean),"list"),k=s(t=>({ok:!0,value:t}),"accept");function Y(t){let e=Number(t);return t.trim()===""||!Number.isFinite(e)||e<0?{ok:!1,expected:"a number of milliseconds"}:k(e)}s(Y,"checkMilliseconds");function z(t){let[e,o,r,...n]=t.split(":"),[i,a]=(o??"").split("/");return!e||!i||n.length>0||r===""?{ok:!1,expected:"VERB:RESOURCE[/SUBRESOURCE][:NAMESPACE]"}:k({verb:e,resource:i,...a?{subresource:a}:{},...r?{namespace:r}:{}})}s(z,"checkSimDeny");function Z(t){let[e,o,...r]=t.split(":"),n=Number(e);if(!Number.isInteger(n)||n<400||n>599)return{ok:!1,expected:"STATUS[:METHOD[:PATH]] with an HTTP error status"};let i=r.length>0?r.join(":"):void 0;if(i!==void 0)try{new RegExp(i)}catch(a){return{ok:!1,expected:`a PATH that is a regular expression (${a.message})`}}return k({status:n,...o?{method:o.toUpperCase()}:{},...i===void 0?{}:{path:i}})}s(Z,"checkSimFault");var h={type:"boolean",short:"h",default:!1},N={"journal-path":{type:"string"},var:{type:"string",multiple:!0,default:[]},"var-file":{type:"string",multiple:!0,default:[]},"hypothesis-strategy":{type:"string"},"hypothesis-frequency":{type:"string"},"fail-fast":{type:"boolean",default:!1},"rollback-strategy":{type:"string"},"dry-run":{type:"boolean",default:!1},"allow-no-target":{type:"boolean",default:!1},"allow-node-drain":{type:"boolean",default:!1},timeout:{type:"string"},"activity-timeout":{type:"string"},"undo-timeout":{type:"string"},"recovery-timeout":{type:"string"},cluster:{type:"string",default:"auto"},"sim-manifests":{type:"string",multiple:!0,default:[]},"sim-latency":{type:"string"},"sim-deny":{type:"string",multiple:!0,default:[]},"sim-fault":{type:"string",multiple:!0,default:[]},kubeconfig:{type:"string"},context:{type:"string"},namespaces:{type:"string"},"max-affected":{type:"string"},"undo-file":{type:"string"},"lease-wait":{type:"string"},output:{type:"string",default:"text"},"webhook-url":{type:"string"},help:h},U={var:{type:"string",multiple:!0,default:[]},"var-file":{type:"string",multiple:!0,default:[]},"no-env":{type:"boolean",default:!1},help:h},$={"undo-file":{type:"string"},kubeconfig:{type:"string"},context:{type:"string"},help:h},P={help:h},F={run:N,validate:U,cleanup:$,report:P};function X(t,e){let o=Object.keys(F[t]).map(n=>`--${n}`),r=w(e,o);return r?`Unknown option '${e}'; did you mean ${r}?`:`Unknown option '${e}' (see 'chaos-action ${t} --help')`}s(X,"unknownOption");function ve(t){let[e,...o]=t;if(e===void 0||e==="--help"||e==="-h"||e==="help")return{command:"help",topic:o[0]};if(e==="--version"||e==="-V")return{command:"version"};try{switch(e){case"run":return Q(o);case"validate":return ee(o);case"cleanup":return te(o);case"report":return ne(o);default:{let r=w(e,Object.keys(F));throw new u(`unknown command '${e}' (${r?`did you mean '${r}'? `:""}expected run, validate, cleanup or report)`)}}}catch(r){if(r instanceof TypeError){let n=/^Unknown option '([^']+)'/.exec(r.message)?.[1];throw new u(n?X(e,n):r.message)}throw r}}s(ve,"parseCommandLine");function Q(t){let{values:e,positionals:o}=f({args:t,allowPositionals:!0,options:N});if(e.help)return{command:"help",topic:"run"};let r=b({targets:o,journalPath:e["journal-path"],vars:e.var,varFiles:e["var-file"],hypothesisStrategy:e["hypothesis-strategy"],hypothesisFrequency:e["hypothesis-frequency"],failFast:e["fail-fast"],rollbackStrategy:e["rollback-strategy"],dryRun:e["dry-run"],allowNoTarget:e["allow-no-target"],allowNodeDrain:e["allow-node-drain"],namespaces:W(e.namespaces),maxAffected:e["max-affected"],timeout:e.timeout,activityTimeout:e["activity-timeout"],undoTimeout:e["undo-timeout"],recoveryTimeout:e["recovery-timeout"],undoFile:e["undo-file"],leaseWait:e["lease-wait"]},x),n=new S(x),i=n.read("--cluster",e.cluster,c=>y(c,["auto","sim","in-cluster"]));if(i!=="sim"){for(let c of["sim-manifests","sim-deny","sim-fault"])e[c].length>0&&n.add(`--${c} only applies with --cluster sim`);e["sim-latency"]!==void 0&&n.add("--sim-latency only applies with --cluster sim")}i==="in-cluster"&&(e.kubeconfig!==void 0&&n.add("--kubeconfig does not apply with --cluster in-cluster"),e.context!==void 0&&n.add("--context does not apply with --cluster in-cluster"));let a=n.read("--output",e.output,c=>y(c,["text","jsonl"])),l=e["webhook-url"],p=l===void 0?void 0:R(l);p&&n.add(`--webhook-url ${p}`);let T=n.read("--sim-latency",e["sim-latency"],Y),H=e["sim-deny"].flatMap(c=>n.read("--sim-deny",c,z)??[]),G=e["sim-fault"].flatMap(c=>n.read("--sim-fault",c,Z)??[]),E=[...r.problems,...n.list];if(E.length>0)throw new u(E);return{command:"run",options:r.options,cluster:{mode:i??"auto",kubeconfig:e.kubeconfig,context:e.context,simManifests:e["sim-manifests"],sim:{latencyMs:T,deny:H,faults:G}},...a==="jsonl"?{output:a}:{},...l===void 0?{}:{webhookUrl:l}}}s(Q,"parseRun");function ee(t){let{values:e,positionals:o}=f({args:t,allowPositionals:!0,options:U});if(e.help)return{command:"help",topic:"validate"};let{options:r,problems:n}=b({targets:o,vars:e.var,varFiles:e["var-file"]},x);if(n.length>0)throw new u(n);return{command:"validate",targets:r.targets,vars:r.vars,varFiles:r.varFiles,...e["no-env"]?{noEnv:!0}:{}}}s(ee,"parseValidate");function te(t){let{values:e}=f({args:t,options:$});if(e.help)return{command:"help",topic:"cleanup"};if(!e["undo-file"])throw new u("cleanup needs --undo-file FILE");return{command:"cleanup",undoFile:e["undo-file"],kubeconfig:e.kubeconfig,context:e.context}}s(te,"parseCleanup");function ne(t){let{values:e,positionals:o}=f({args:t,allowPositionals:!0,options:P});if(e.help)return{command:"help",topic:"report"};if(o.length===0)throw new u("report needs at least one JOURNAL file");return{command:"report",journals:o}}s(ne,"parseReport");function I(t,e){if(e.NO_COLOR!==void 0&&e.NO_COLOR!=="")return!1;let o=e.FORCE_COLOR;return o!==void 0?o!=="0"&&o.toLowerCase()!=="false":t}s(I,"colourEnabled");var oe={red:31,green:32,yellow:33,dim:2,bold:1},d=s((t,e)=>`\x1B[${oe[t]}m${e}\x1B[0m`,"paint"),re={passed:"green",deviated:"red",failed:"red",invalid:"red",skipped:"yellow"};function _(t){return t.replace(/^(error:|warning:|WARNING)/,e=>d(e==="error:"?"red":"yellow",e)).replace(/^(passed|deviated|failed|invalid|skipped)\b/,e=>d(re[e]??"bold",e)).replaceAll("\u2713",d("green","\u2713")).replaceAll("\u2717",d("red","\u2717")).replaceAll("\u25A0",d("yellow","\u25A0")).replaceAll("tolerance NOT met",d("red","tolerance NOT met"))}s(_,"paintLine");var j="\r\x1B[2K",g=class{static{s(this,"StatusLine")}shown=!1;stream;constructor(e){this.stream=e}show(e){this.stream.write(`${j}${e}`),this.shown=!0}clear(){this.shown&&(this.stream.write(j),this.shown=!1)}},M={every(t,e){let o=setInterval(e,t);return o.unref(),()=>clearInterval(o)}};function D(t,e,o,r){let n=Math.ceil(e),i=s(()=>t.show(`pausing ${n} s\u2026 (${o})`),"render");i();let a=r.every(1e3,()=>{n=Math.max(0,n-1),i()});return()=>{a(),t.clear()}}s(D,"countdown");function Oe(t,e){let o=I(t.terminal?.isTTY??!1,t.env),r=t.terminal?.isTTY?new g(t.terminal):void 0,n,i=s(()=>{n?.(),n=void 0},"settle"),a=s(l=>o?l.split(`
`).map(_).join(`
`):l,"paintText");return{...t,stdout:s(l=>{i(),t.stdout(v(e(l)))},"stdout"),stderr:s(l=>{i(),t.stderr(a(v(e(l))))},"stderr"),...r?{countdown:s((l,p)=>{i(),n=D(r,l,p,t.ticker??M)},"countdown")}:{}}}s(Oe,"outputFor");function Re(t,e){for(let o of t.problems)e.stderr(`error: ${o}`);return e.stderr("Run 'chaos-action --help' for usage."),2}s(Re,"printUsageError");export{ie as a,le as b,V as c,R as d,ce as e,ue as f,u as g,be as h,ve as i,Oe as j,Re as k};
