<?cs # What the two Apache configurations share, each written with its own
  header by apache-conf/fidele.conf.cs (Apache starts the programs:
  mod_fcgid, or plain CGI) and apache-conf/fidele-proxy.conf.cs (Proxy:
  mod_proxy_fcgi to the pools nginx uses).
  to(program): the target of a RewriteRule that sends the request to
  program, then the opening of its flags ?><?cs
def:to(program) ?><?cs
    if:Proxy ?>- [H=proxy:unix:${FIDELE_SOCKETS}/<?cs var:program ?>.sock|fcgi://localhost/,<?cs
    else ?>"${FIDELE_PROGRAMS}/<?cs var:program ?>.fcgi" [<?cs
    /if ?><?cs
/def ?># Made by make from apache-conf/<?cs var:Template ?> with apache-conf/common.cs
# (what both Apache variants share) and each program's
# fcgi/<program>.site.hdf (which paths it serves): change those.

# --- limits ------------------------------------------------------------
# The largest form Fidèle accepts is 64 KiB (as nginx's client_max_body_size);
# a location that takes uploads declares its own limit in its program's
# site.hdf (MaxBody), written below. A body announced (Content-Length) over
# its location's limit is answered at once with Fidèle's own 413 page in
# the shop's language, nothing read (the rules under "URL -> program": the
# program that answers unknown paths is told so by FIDELE_TOO_LARGE, the
# body is dropped and the connection closed after the answer). A
# body sent in chunks reaches the program whole, up to the largest limit
# (<?cs var:MaxBodyBytes ?> bytes), and the program refuses one over its
# route's limit with the same page (Limits.MaxBody, Limits.MaxUpload in
# fidele.hdf). Apache's own LimitRequestBody stays above that: past it,
# Apache cuts the body short and mod_fcgid would pass what it got on as
# if whole.
LimitRequestBody <?cs var:MaxBodyBytes + 1048576 ?>
ServerSignature Off
# SERVER_PORT is the port the request came in on, as nginx's $server_port,
# not the one the Host header names: a mailed link keeps a port only when
# the shop is really reached on it
UseCanonicalName On
UseCanonicalPhysicalPort On
TraceEnable off
# a request's headers and body: as nginx's client_header/body_timeout; a
# program's answer: see <?cs if:Proxy ?>ProxyTimeout<?cs else ?>FcgidIOTimeout<?cs /if ?>
RequestReadTimeout header=30 body=30

<?cs if:Proxy ?># mod_proxy_fcgi streams the body to the program as it comes; the pools
# are nginx's, started by their units. The export builds its file whole before
# the first byte (see FIDELE_SPOOL_DOWNLOADS below): up to 10 minutes.
ProxyTimeout 600
# the pools are plain FastCGI programs, not PHP-FPM: the path the client
# asked for is SCRIPT_NAME, as nginx passes it
ProxyFCGIBackendType GENERIC
ProxyFCGISetEnvIf "true" SCRIPT_NAME "%{REQUEST_URI}"
ProxyFCGISetEnvIf "true" !PATH_INFO
ProxyFCGISetEnvIf "true" !SCRIPT_FILENAME
ProxyFCGISetEnvIf "true" !PATH_TRANSLATED

<?cs else ?><IfModule mod_fcgid.c>
    # mod_fcgid's own limit (128 KiB by default: uploads would fail) is
    # the largest location's. Past it mod_fcgid answers a bare 500: only a
    # body sent in chunks (no browser does) can get there, one announced
    # larger is refused by the rules below first.
    FcgidMaxRequestLen <?cs var:MaxBodyBytes ?>
    # mod_fcgid keeps a body up to this in memory, past it in a temporary file
    FcgidMaxRequestInMem 65536
    # the export builds its file whole before the first byte (see
    # FIDELE_SPOOL_DOWNLOADS below): up to 10 minutes without a word
    FcgidIOTimeout 600
    FcgidBusyTimeout 900
    # processes: a pool per program and vhost, as small as nginx's pools
    # (2 by default); the first request starts one
    FcgidMinProcessesPerClass 0
    FcgidMaxProcessesPerClass 4
    FcgidIdleTimeout 300
    FcgidMaxRequestsPerProcess 10000
    FcgidConnectTimeout 5
</IfModule>
<IfModule mod_cgid.c>
    # plain CGI: the export's file may take minutes before its first byte
    CGIDScriptTimeout 600
</IfModule>

<Directory "${FIDELE_PROGRAMS}">
    Options +ExecCGI
    AllowOverride None
    Require all granted
    SetHandler cgi-script
    <IfModule mod_fcgid.c>
        <IfDefine !FIDELE_CGI>
            SetHandler fcgid-script
        </IfDefine>
    </IfModule>
</Directory>

<?cs /if ?># The storefront API's requests are signed in their Authorization header
# (Fidele-HMAC), which Apache keeps from programs unless told
<Location "/">
    CGIPassAuth On
<?cs if:Proxy ?>    # every path goes to a pool (or is a static file): none is a file of
    # the vhost's DocumentRoot, whose access rules may deny it
    Require all granted
<?cs /if ?></Location>

# --- static files ------------------------------------------------------
Alias /static/ "${FIDELE_DATA}/static/"
<Directory "${FIDELE_DATA}/static">
    Options None
    AllowOverride None
    Require all granted
    Header always set X-Content-Type-Options nosniff
    Header always set Cache-Control "public, max-age=3600"
</Directory>

# --- access log --------------------------------------------------------
# The path without the query string: mailed links carry their secret token
# there (?token=...). The programs log each request themselves, with its
# path and without the query. A vhost that keeps its own CustomLog with
# Apache's "combined" format must at least add env=!fidele_secret to it:
# the locations marked "secret" below set it.
LogFormat "%a %l %u %t \"%m %U %H\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" fidele

# --- URL -> program ----------------------------------------------------
# In the order nginx chooses: exact paths, then the longest prefix.
RewriteEngine On
# A body announced over its location's limit (fidele_limit, in bytes):
# the 413 page, nothing read (see "limits" above)
RewriteRule ^ - [E=fidele_limit:65536]
<?cs each:route = Route ?><?cs if:route.MaxBodyBytes ?># <?cs var:route.Program ?>.fcgi, <?cs var:route.Path ?>: <?cs var:route.MaxBody ?>
RewriteRule <?cs var:route.Regex ?> - [E=fidele_limit:<?cs var:route.MaxBodyBytes ?>]
<?cs /if ?><?cs /each ?>RewriteCond %{HTTP:Content-Length} ^[0-9]{12,}$ [OR]
RewriteCond expr "req('Content-Length') =~ /^[0-9]{1,11}$/ && req('Content-Length') -gt env('fidele_limit')"
RewriteRule ^ <?cs call:to(Fallback) ?>E=FIDELE_TOO_LARGE:1,E=nokeepalive:1,L]
RequestHeader unset Content-Length env=FIDELE_TOO_LARGE
RewriteRule ^/static/ - [L]
<?cs each:route = Route ?><?cs if:route.Secret == "1" ?># secret: a mailed link, ?token= in the query
<?cs /if ?><?cs if:route.Download == "1" ?># download: large files. Apache passes an answer on as it comes, and
# would hold the program (and its database stream) for a slow client and
# end a broken answer as if whole: FIDELE_SPOOL_DOWNLOADS has the program
# make the file whole in its spool folder first, then send it with its
# length (<?cs if:Proxy ?>ProxyTimeout<?cs else ?>FcgidIOTimeout<?cs /if ?> waits for it)
<?cs /if ?>RewriteRule <?cs var:route.Regex ?> <?cs call:to(route.Program) ?><?cs if:route.Secret == "1" ?>E=fidele_secret:1,<?cs /if ?><?cs if:route.Download == "1" ?>E=FIDELE_SPOOL_DOWNLOADS:1,<?cs /if ?>L]
<?cs /each ?># every other path: the core's 404 page, in the shop's language
RewriteRule ^ <?cs call:to(Fallback) ?>L]