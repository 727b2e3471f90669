#!/usr/bin/env python3
# Where the host's CPU goes, from `perf script` output of the host run with DOTNET_PerfMapEnabled=1 (bench/tasks-byid.sh
# with BENCH_PERF=1): each sample goes to its leaf frame's component. Managed leaves in CoreLib, collections or LINQ go to
# the first caller outside them; native leaves (their callers are not unwound) go to their library: libe_sqlite3 is
# SQLite itself, libcrypto the access token's ECDSA signature check and, on PostgreSQL, the TLS of the database connections
# (Npgsql prefers TLS and Debian's server offers it; libssl is that TLS alone), libcoreclr the
# runtime (GC, stubs, type checks), libc mostly malloc/free of SQLite and the runtime. JIT samples are counted apart.
# Usage: python3 bench/tasks-byid/perf-components.py host.script
import sys, re, collections
generic = {'System.Private.CoreLib', 'System.Runtime', 'System.Collections', 'System.Collections.Concurrent', 'System.Linq',
           'System.Memory', 'System.Threading', 'System.Linq.Expressions', 'System.ObjectModel', 'System.Runtime.InteropServices',
           'System.Threading.Thread', 'System.Text.Encodings.Web', 'System.Runtime.Intrinsics', 'System.Threading.Channels'}
groups = [('Microsoft.AspNetCore.Server.Kestrel', 'Kestrel + sockets'), ('System.Net', 'Kestrel + sockets'), ('System.IO.Pipelines', 'Kestrel + sockets'),
          ('Microsoft.EntityFrameworkCore', 'EF Core'), ('Npgsql.EntityFrameworkCore', 'EF Core'), ('Npgsql', 'Npgsql'),
          ('Microsoft.Data.Sqlite', 'SQLite ADO.NET (Microsoft.Data.Sqlite, SQLitePCL)'), ('SQLitePCLRaw', 'SQLite ADO.NET (Microsoft.Data.Sqlite, SQLitePCL)'),
          ('System.Data.Common', 'SQLite ADO.NET (Microsoft.Data.Sqlite, SQLitePCL)'),
          ('OpenTelemetry', 'Telemetry (OpenTelemetry, Activity, metrics)'), ('System.Diagnostics.DiagnosticSource', 'Telemetry (OpenTelemetry, Activity, metrics)'),
          ('Microsoft.IdentityModel', 'Authentication (JWT: parse, claims, ECDSA)'), ('System.IdentityModel', 'Authentication (JWT: parse, claims, ECDSA)'),
          ('System.Security.Cryptography', 'Authentication (JWT: parse, claims, ECDSA)'), ('System.Security.Claims', 'Authentication (JWT: parse, claims, ECDSA)'),
          ('System.Formats.Asn1', 'Authentication (JWT: parse, claims, ECDSA)'),
          ('Microsoft.AspNetCore.Authentication', 'Authentication middleware'), ('Microsoft.AspNetCore.Authorization', 'Authorization'),
          ('Microsoft.AspNetCore.Routing', 'Routing + endpoint filters + results'), ('Microsoft.AspNetCore.Http', 'Routing + endpoint filters + results'),
          ('Microsoft.AspNetCore.Hosting', 'Hosting, middleware, DI, logging'), ('Microsoft.Extensions.DependencyInjection', 'Hosting, middleware, DI, logging'),
          ('Microsoft.Extensions.Logging', 'Hosting, middleware, DI, logging'), ('Microsoft.AspNetCore.Diagnostics', 'Hosting, middleware, DI, logging'),
          ('Microsoft.AspNetCore.HostFiltering', 'Hosting, middleware, DI, logging'), ('Microsoft.AspNetCore.ResponseCompression', 'Hosting, middleware, DI, logging'),
          ('TaskFlow.BuildingBlocks', 'Hosting, middleware, DI, logging'), ('Microsoft.Extensions', 'Hosting, middleware, DI, logging'),
          ('System.Text.Json', 'JSON'), ('TaskFlow.Tasks', 'Tasks code (access filter, handler)')]
natives = [('libe_sqlite3', 'SQLite native (parse, plan, run)'), ('libcrypto', 'libcrypto (JWT ECDSA; on PostgreSQL also its TLS)'), ('libssl', 'libssl (TLS to PostgreSQL)'),
           ('libcoreclr', 'Runtime native (GC, stubs, casts)'), ('libclrgc', 'Runtime native (GC, stubs, casts)'), ('libc.so', 'libc (malloc/free, memcpy)'),
           ('libSystem.Native', 'Kestrel + sockets'), ('kernel', 'Kernel (no managed caller)')]
samples, cur = [], None
for line in open(sys.argv[1], errors="replace"):
    if not line.strip():
        if cur is not None: samples.append(cur); cur = None
        continue
    if not line.startswith((' ', '\t')): cur = []
    elif cur is not None: cur.append(line.strip())
c = collections.Counter(); jit = 0; total = 0
for s in samples:
    if not s: continue
    total += 1
    if 'libclrjit' in s[0]: jit += 1; continue
    owner = None
    for f in s:
        if 'perf-' not in f:
            if f is s[0]:
                owner = next((name for key, name in natives if key in f), 'Other native'); break
            continue
        m = re.search(r"\[([A-Za-z0-9_.]+)\] ", f)
        if m and m.group(1) not in generic:
            a = m.group(1); owner = next((name for key, name in groups if a.startswith(key)), a); break
    c[owner or 'CoreLib only (thread pool, async plumbing)'] += 1
k = total - jit
print(f"{total} samples; JIT {100 * jit / total:.1f}% (left out below); shares of the other {k}:")
for n, v in c.most_common(25): print(f"  {100 * v / k:5.1f}%  {n}")
