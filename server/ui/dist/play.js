var i=t=>document.getElementById(t),v={c:`#include <stdio.h>

/* Sums 1..n, with a bug: step back from the end to find it. */
static int sum(int n)
{
	int s = 0;

	for (int i = 1; i < n; i++)
		s += i;
	return s;
}

int main(void)
{
	char line[64];
	int n = 10;

	if (fgets(line, sizeof line, stdin))
		sscanf(line, "%d", &n);
	printf("sum(1..%d) = %d\\n", n, sum(n));
	return 0;
}
`,cpp:`#include <iostream>
#include <string>
#include <vector>

int main()
{
	std::vector<std::string> words;
	std::string w;

	while (std::cin >> w)
		words.push_back(w);
	for (auto it = words.rbegin(); it != words.rend(); ++it)
		std::cout << *it << (it + 1 == words.rend() ? "\\n" : " ");
	std::cout << words.size() << " words\\n";
}
`,asm:`# x86-64 Linux, GNU as (AT&T syntax): write(1, msg, len); exit(0)
	.globl _start
	.text
_start:
	mov	$1, %eax		# write
	mov	$1, %edi		# stdout
	lea	msg(%rip), %rsi
	mov	$len, %edx
	syscall
	mov	$60, %eax		# exit
	xor	%edi, %edi
	syscall

	.data
msg:	.ascii	"hello from assembly\\n"
	.set	len, . - msg
`,python:`import sys

def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

n = int(sys.stdin.read().strip() or 10)
print(f"fib({n}) = {fib(n)}")
`,sh:`#!/bin/sh
echo "hello from sh"
while read -r line; do
	echo "read: $line"
done
`,bash:`#!/bin/bash
declare -A count
while read -r word; do
	count[$word]=$(( \${count[$word]:-0} + 1 ))
done
for w in "\${!count[@]}"; do
	echo "$w \${count[$w]}"
done
`},L={c:`10
`,cpp:`one two three
`,asm:"",python:`20
`,sh:`a
b
`,bash:`x
y
x
`},r=i("code"),w=i("gutter"),l=i("lang"),c=new Map,h=!1;function o(t,e){i("status").textContent=t,i("status").classList.toggle("error",!!e)}function u(){let t=r.value.split(`
`).length,e=document.createDocumentFragment();for(let n=1;n<=t;n++){let s=document.createElement("span");s.textContent=String(n);let a=c.get(n);a&&(s.className=a.level==="error"?"bad":"warn",s.title=a.text),e.append(s,`
`)}w.replaceChildren(e),w.scrollTop=r.scrollTop}function $(t){let e=r.value.split(`
`),n=0;for(let s=0;s<t-1&&s<e.length;s++)n+=e[s].length+1;r.focus(),r.setSelectionRange(n,n+(e[t-1]||"").length),r.scrollTop=Math.max(0,(t-5)*18)}r.addEventListener("input",()=>{c=new Map,u()});r.addEventListener("scroll",()=>{w.scrollTop=r.scrollTop});r.addEventListener("keydown",t=>{if(t.key==="Tab"&&!t.ctrlKey&&!t.altKey&&!t.metaKey){t.preventDefault();let e=r.selectionStart,n=r.selectionEnd;r.setRangeText("	",e,n,"end"),u()}else t.key==="Enter"&&(t.ctrlKey||t.metaKey)&&(t.preventDefault(),y())});function T(t){return t.trim()===""||Object.values(v).some(e=>e===t)}function p(t,e){l.value=t,i("flags-l").hidden=!(t==="c"||t==="cpp"),e||(r.value=v[t],i("stdin").value=L[t]),c=new Map,u()}l.addEventListener("change",()=>p(l.value,!T(r.value)));i("reset").addEventListener("click",()=>p(l.value,!1));document.addEventListener("keydown",t=>{t.key==="Enter"&&(t.ctrlKey||t.metaKey)&&t.target!==r&&(t.preventDefault(),y())});var S=/^(?:\.\/)?main\.(?:c|cc|s):(\d+):(?:(\d+):)? *(fatal error|error|warning|note|Error|Warning):? ?(.*)$/;function C(t){let e=i("compile");c=new Map,e.replaceChildren();for(let s of(t.output||"").split(`
`)){let a=S.exec(s);if(a){let f=parseInt(a[1],10),m=/error/i.test(a[3])?"error":"warning",g=c.get(f);(!g||m==="error")&&c.set(f,{level:m,text:(g&&g.level===m?g.text+`
`:"")+a[3]+": "+a[4]});let d=document.createElement("span");d.className="msg",d.textContent=s,d.title="go to line "+f,d.addEventListener("click",()=>$(f)),e.append(d,`
`)}else s!==""&&e.append(s+`
`)}t.truncated&&b(e),u();let n=i("compile-state");n.textContent=t.ok?t.output?"compiled, with messages":"ok":"failed",n.classList.toggle("bad",!t.ok)}function b(t){let e=document.createElement("span");e.className="cut",e.textContent=`
[cut at 64 KiB]`,t.append(e)}function x(t,e,n){let s=i(t);s.textContent=e||"",n&&b(s)}function k(t){C(t.compile||{ok:!0,output:""}),x("stdout",t.stdout,t.stdout_truncated),x("stderr",t.stderr,t.stderr_truncated);let e=i("exit"),n="";t.signal?n="killed by SIG"+t.signal:t.exit!==null&&t.exit!==void 0&&(n="exit status "+t.exit),t.limits&&t.limits.hit&&(n+=(n?", ":"")+t.limits.hit+" limit hit ("+t.limits.stage+")"),t.error&&(n+=(n?"; ":"")+t.error),e.textContent=n,e.classList.toggle("bad",!!(t.signal||t.limits&&t.limits.hit||t.error||t.exit));let s=i("trace");t.url?(s.href=t.url,s.hidden=!1):s.hidden=!0}function j(){let t={lang:l.value,code:r.value,input:i("stdin").value},e=i("args").value.trim();return e&&(t.args=e.split(/\s+/)),(l.value==="c"||l.value==="cpp")&&(t.flags=i("flags").value),t}async function y(){if(h)return;h=!0,i("run").disabled=!0,i("trace").hidden=!0,o("compiling, running and recording\u2026");let t=performance.now();try{let e=await fetch("/api/run",{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify(j())}),n=await e.json().catch(()=>({}));if(!e.ok){let s=e.headers.get("Retry-After");o((n.error||e.status+" "+e.statusText)+(s?" (retry in "+s+" s)":""),!0);return}k(n),history.replaceState(null,"","#run="+n.id),o("run "+n.id+" in "+((performance.now()-t)/1e3).toFixed(1)+" s")}catch(e){o("the playground does not answer ("+e.message+")",!0)}finally{h=!1,i("run").disabled=!1}}i("run").addEventListener("click",y);async function E(){let t=new URLSearchParams(location.hash.slice(1)).get("run");if(!t||!/^[0-9a-f]{16}$/.test(t))return!1;try{let e=await fetch("/api/runs/"+t);if(!e.ok)return o("run "+t+": "+((await e.json().catch(()=>({}))).error||e.status),!0),!1;let n=await e.json(),s=n.request||{};return p(v[s.lang]?s.lang:"c",!0),r.value=s.code||"",i("stdin").value=s.input||"",i("args").value=(s.args||[]).join(" "),s.flags&&(i("flags").value=s.flags),n.result&&k(n.result),u(),o("run "+t),!0}catch(e){return o("the playground does not answer ("+e.message+")",!0),!1}}window.addEventListener("hashchange",E);p("c",!1);E();
