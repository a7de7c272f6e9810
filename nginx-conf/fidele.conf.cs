# Fidèle for nginx: include inside the server { } block that serves a shop
# (or several shops on one host name each). make install puts this file
# and fidele-fastcgi.conf in $(datadir)/fidele/nginx/ (with the README's
# prefix, /usr/local/share/fidele/nginx/): copy both to
# /etc/nginx/snippets/, then in the server block:
#
#     set $fidele_sockets /run/fidele;        # the programs' FastCGI sockets
#     set $fidele_data    /usr/local/share/fidele;  # installed data (static/)
#     set $fidele_shop    "";                 # a shop's slug to pin this vhost
#                                             # to it; "" = look up the Host
#     include snippets/fidele.conf;
#
# A pinned vhost answers for its shop whatever the Host says: give it its
# own server_name and never make it the default_server, or every name
# pointed at the server (typos, old domains, scanners) opens that shop.
#
# Each program listens on $fidele_sockets/<program>.sock (see
# fidele@.service or spawn-fcgi.sh in nginx-conf/).
#
# Made by make from nginx-conf/fidele.conf.cs and each program's
# fcgi/<program>.site.hdf (which paths it serves): change those.

# The largest form Fidèle accepts (a message to a customer, with room to
# spare); the programs check it again (Limits.MaxBody in fidele.hdf).
#
# A location that takes uploads (a program's ROUTE_UPLOAD routes, such as
# the import's) declares its own limit in its program's site.hdf (MaxBody,
# the same as Limits.MaxUpload: 50m by default), which is written into its
# location below. fastcgi_request_buffering stays on (the default) there:
# nginx takes the whole body from the client (into client_body_temp_path,
# on disk past client_body_buffer_size) before the program hears of it, so
# a slow or stalled upload holds one nginx connection and no process of
# the program's small pool, and nginx passes a chunked body's length too.
# The temporary folder must have room for as many bodies as uploads may
# run at once. A body over a location's limit gets the 413 page below.
client_max_body_size 64k;
server_tokens off;
# how long nginx waits for the next piece of a program's answer (a
# location marked "download" below waits longer)
fastcgi_read_timeout 60s;
client_body_timeout 30s;
client_header_timeout 30s;

# A body over the limit gets Fidèle's own 413 page, in the shop's language,
# whether its length was announced or it came in chunks: the program is
# told so and refuses it without reading.
error_page 413 = @fidele_too_large;
location @fidele_too_large {
    set $fidele_program <?cs var:Fallback ?>;
    include snippets/fidele-fastcgi.conf;
    fastcgi_param FIDELE_TOO_LARGE 1;
    fastcgi_pass_request_body off;
}

location ^~ /static/ {
    root $fidele_data;
    add_header X-Content-Type-Options nosniff always;
    add_header Cache-Control "public, max-age=3600" always;
    access_log off;
}

# A location marked "secret" takes URLs that carry a secret token in the
# query string (mailed links): they stay out of the access log (the
# program logs each request itself, with its path and without the query).
# A location marked "download" answers with large files made as they are
# sent (the customer export: some 300 MB of CSV for a million customers).
# The program reads its rows from MariaDB as it writes them, and the
# server drops a reader that stalls longer than its net_write_timeout
# (60 s): so nginx buffers the answer (fastcgi_buffering stays on), on
# disk past its buffers, and the program never waits for a slow client.
# nginx's default of 1024m for that file would, past it, make the program
# wait for the client again: 16384m (16 GB) holds several million customers with
# every column. fastcgi_temp_path needs room for as many as run at once
# (each admin runs one at a time). An .xlsx is built whole before its first
# byte: nginx waits up to 10 minutes for it. fastcgi_keep_conn on makes
# nginx wait for the program's end-of-request record: a program that closes
# the connection before it (page_abort: the database failed half-way) gets
# the client's connection dropped without the last chunk, so the browser
# marks the download failed instead of keeping a short file. (The upstream
# has no keepalive: nginx still closes the connection after each answer,
# and the program, waiting on it for a next request, sees the close and
# goes back to accept at once.)
<?cs each:program = Program ?>
<?cs each:line = program.Summary ?># <?cs if:first(line) ?><?cs var:program.Name ?>.fcgi: <?cs /if ?><?cs var:line ?>
<?cs /each ?><?cs each:location = program.Location ?>location <?cs if:location.Match == "exact" ?>=<?cs else ?>^~<?cs /if ?> <?cs var:location.Path ?> {
<?cs if:location.Secret ?>    access_log off;   # secret
<?cs /if ?><?cs if:location.MaxBody ?>    client_max_body_size <?cs var:location.MaxBody ?>;
<?cs /if ?><?cs if:location.Download == "1" ?>    fastcgi_max_temp_file_size 16384m;   # download: 16 GB
    fastcgi_read_timeout 600s;
    fastcgi_keep_conn on;   # download: a connection closed before the end is an error
<?cs /if ?>    set $fidele_program <?cs var:program.Name ?>;
    include snippets/fidele-fastcgi.conf;
}
<?cs /each ?><?cs /each ?>
# Every other path: the core's 404 page, in the shop's language
location / {
    set $fidele_program <?cs var:Fallback ?>;
    include snippets/fidele-fastcgi.conf;
}
