#!/usr/bin/env python3
# Where a host spends its CPU, from `perf script` output (perf record -g of the host run with DOTNET_PerfMapEnabled=1,
# DOTNET_EnableWriteXorExecute=0 and DOTNET_ReadyToRun=0, so every frame has a name): each sample goes to the first
# frame outside the runtime's generic assemblies (CoreLib, collections, LINQ), grouped by component. JIT samples are left out.
# Usage: perf script -i perf.data > host.script; python3 bench/shop/perf-owners.py host.script
import sys, re, collections
path=sys.argv[1]
generic={'System.Private.CoreLib','System.Runtime','System.Collections','System.Collections.Concurrent','System.Linq','System.Memory','System.Threading','System.Linq.Expressions','System.ObjectModel','System.Runtime.InteropServices','System.Threading.Thread','System.Text.Encodings.Web','System.Runtime.Intrinsics','System.Threading.Channels'}
samples=[];cur=None
for line in open(path, errors="replace"):
    if not line.strip():
        if cur is not None: samples.append(cur); cur=None
        continue
    if not line.startswith((' ','\t')): cur=[]
    elif cur is not None: cur.append(line.strip())
c=collections.Counter(); k=0
for s in samples:
    if any('libclrjit' in f for f in s): continue
    k+=1
    owner=None
    for f in s:
        m=re.search(r"\[([A-Za-z0-9_.]+)\] ", f)
        if m and m.group(1) == 'unknown':
            owner='(runtime native: libcoreclr, GC, stubs)' if 'libcoreclr' in f else '(native, other)'; break
        if m and m.group(1) not in generic:
            owner=m.group(1); break
    if owner is None:
        if s and 'kernel' in s[0]: owner='(kernel, no managed caller)'
        elif any('libcoreclr' in f for f in s[:3]): owner='(runtime: GC/threadpool/stubs)'
        else: owner='(CoreLib/threadpool only)'
    # group
    g=owner
    for pre,name in [('Microsoft.AspNetCore.Server.Kestrel','Kestrel (HTTP server)'),('System.Net','Sockets'),('System.IO.Pipelines','Kestrel (HTTP server)'),('Microsoft.EntityFrameworkCore','EF Core'),('Npgsql.EntityFrameworkCore','EF Core'),('Npgsql','Npgsql'),('OpenTelemetry','OpenTelemetry'),('System.Diagnostics.DiagnosticSource','Activity/metrics (DiagnosticSource)'),('Microsoft.AspNetCore.Authentication','Authentication'),('Microsoft.AspNetCore.Authorization','Authorization'),('Microsoft.AspNetCore.Routing','Routing'),('Microsoft.AspNetCore.Http','ASP.NET Core Http/results'),('Microsoft.AspNetCore.Hosting','ASP.NET Core hosting'),('Microsoft.Extensions.Caching','HybridCache'),('Microsoft.Extensions.DependencyInjection','DI'),('Microsoft.Extensions.Logging','Logging'),('System.Text.Json','JSON'),('TaskFlow.Catalog','Catalog code'),('TaskFlow.BuildingBlocks','BuildingBlocks middleware'),('Microsoft.AspNetCore.Diagnostics','ASP.NET Core diagnostics mw'),('Microsoft.AspNetCore.ResponseCompression','Response compression')]:
        if owner.startswith(pre): g=name; break
    c[g]+=1
print(f"{k} samples (JIT excluded)")
for n,v in c.most_common(30): print(f"  {100*v/k:5.1f}%  {n}")
kern=sum(1 for s in samples if s and 'kernel' in s[0] and not any('libclrjit' in f for f in s))
print(f"  (leaf in kernel: {100*kern/k:.1f}% of samples, attributed above to their managed caller)")
