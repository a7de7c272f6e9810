# Fidèle for Apache 2.4: include inside the <VirtualHost> that serves a
# shop (or several shops on one host name each). The programs run under
# mod_fcgid (Debian: libapache2-mod-fcgid), which starts them itself; a
# server without mod_fcgid (or with FIDELE_CGI defined) runs them as plain
# CGI under mod_cgid instead: one process per request, slower, the same
# pages. fidele-proxy.conf is the variant for mpm_event + mod_proxy_fcgi
# talking to the pools nginx uses.
#
# make install puts this file in $(datadir)/fidele/apache/ (with the
# README's prefix, /usr/local/share/fidele/apache/). Modules:
#     a2enmod rewrite headers fcgid        (or: a2enmod rewrite headers cgid)
# then in the <VirtualHost>:
#
#     Define FIDELE_PROGRAMS /usr/local/libexec/fidele
#     Define FIDELE_DATA     /usr/local/share/fidele
#     SetEnv FIDELE_SHOP     alpha
#
# (the programs; the installed data, static/; and, only to pin the vhost
# to a shop, its slug: without it the Host header finds the shop. Apache
# takes no comment at the end of a line)
#     Include /usr/local/share/fidele/apache/fidele.conf
#     CustomLog ${APACHE_LOG_DIR}/fidele-access.log fidele
#
# The programs read /etc/fidele/fidele.hdf (or the file named by
# FcgidInitialEnv FIDELE_CONFIG ..., and SetEnv FIDELE_CONFIG ... for CGI):
# the user Apache runs them as (www-data) must be able to read it, and to
# write the spool folder. A pinned shop needs its public URL set (fidele-admin).
# A pinned vhost answers for its shop whatever the Host says: give it its
# own ServerName, and never make it the first <VirtualHost> of its address
# (Apache's answer for every unknown name), or any name pointed at the
# server opens that shop.
# For the server as a whole, in apache2.conf: ServerTokens Prod.
#
<?cs set:Proxy = #0 ?><?cs set:Template = "fidele.conf.cs" ?><?cs include:"common.cs" ?>
