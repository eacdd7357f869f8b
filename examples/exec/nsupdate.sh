#!/bin/sh
# An exec DNS provider program, as a user would write one: it publishes the DNS-01 TXT
# record on an authoritative server through RFC 2136 dynamic updates (nsupdate).
#
#   nsupdate.sh present <fqdn> <value>   add the TXT record
#   nsupdate.sh cleanup <fqdn> <value>   remove it again
#   nsupdate.sh timeout                  optional: print {"timeout": s, "interval": s}
#
# Settings come from the environment (the dns_challenge block's config is passed there):
#   NSUPDATE_SERVER    the authoritative server taking updates (host or host:port)
#   NSUPDATE_KEY_FILE  a TSIG key file as `nsupdate -k` reads it
set -eu

action=$1
case "$action" in
  timeout)
    echo '{"timeout": 30, "interval": 1}'
    exit 0
    ;;
  present) verb=add ;;
  cleanup) verb=delete ;;
  *)
    echo "unknown action: $action" >&2
    exit 2
    ;;
esac
fqdn=$2
value=$3
server=${NSUPDATE_SERVER%%:*}
port=53
case "$NSUPDATE_SERVER" in *:*) port=${NSUPDATE_SERVER##*:} ;; esac

nsupdate -k "$NSUPDATE_KEY_FILE" <<UPDATE
server $server $port
update $verb $fqdn 1 IN TXT "$value"
send
UPDATE
