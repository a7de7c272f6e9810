# Fidèle for Apache 2.4 with mpm_event + mod_proxy_fcgi: include inside
# the <VirtualHost> that serves a shop, when the programs already run as
# FastCGI pools (nginx-conf/fidele@.service or spawn-fcgi.sh), each on
# <sockets>/<program>.sock, as nginx talks to them. fidele.conf is the
# variant where Apache starts the programs itself (mod_fcgid, or CGI).
#
# make install puts this file in $(datadir)/fidele/apache/ (with the
# README's prefix, /usr/local/share/fidele/apache/). Modules:
#     a2enmod rewrite headers proxy proxy_fcgi
# then in the <VirtualHost>:
#
#     Define FIDELE_SOCKETS /run/fidele
#     Define FIDELE_DATA    /usr/local/share/fidele
#     SetEnv FIDELE_SHOP    alpha
#
# (the pools' sockets; the installed data, static/; and, only to pin the
# vhost to a shop, its slug: without it the Host header finds the shop.
# Apache takes no comment at the end of a line)
#     Include /usr/local/share/fidele/apache/fidele-proxy.conf
#     CustomLog ${APACHE_LOG_DIR}/fidele-access.log fidele
#
# Apache's user (www-data) must be able to connect to the sockets (the
# units make them so). For the server as a whole, in apache2.conf:
# ServerTokens Prod.
# A pinned vhost answers for its shop whatever the Host says: give it its
# own ServerName, and never make it the first <VirtualHost> of its address
# (Apache's answer for every unknown name), or any name pointed at the
# server opens that shop.
#
<?cs set:Proxy = #1 ?><?cs set:Template = "fidele-proxy.conf.cs" ?><?cs include:"common.cs" ?>
