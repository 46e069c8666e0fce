#!/usr/bin/env bash
# The real OpenStack clients against `hearth serve` over HTTPS ([ssl] cert_file and key_file, PEM files from a
# throwaway CA made by tests/tls/make-ca.sh): `openstack --os-cacert` and `cinder --os-cacert` work, and so does the
# hearth CLI with --os-cacert or OS_CACERT; a client that does not trust the CA is refused, plain HTTP on the port gets
# no answer, and a key that is not the certificate's stops the start with a one-line error naming the option. Exits
# non-zero on the first failure.
#
#   apt-get install -y python3-cinderclient python3-openstackclient openssl curl
#   tests/clients/tls.sh
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/serve.sh"
URL="https://127.0.0.1:$PORT"

for tool in cinder openstack openssl curl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

step "make a test CA and a server certificate for 127.0.0.1"
"$ROOT/tests/tls/make-ca.sh" "$WORK/ca"

conf() { # conf KEY_FILE: a hearth.conf serving HTTPS with server.pem and that key
  default_conf
  cat <<CONF

[ssl]
cert_file = $WORK/ca/server.pem
key_file = $1
CONF
}

step "a key that is not the certificate's stops the start, naming the option"
conf "$WORK/ca/other.key" > "$WORK/bad.conf"
if "$ROOT/bin/hearth" serve --config "$WORK/bad.conf" > "$WORK/bad.log" 2>&1; then fail "hearth serve started with a mismatched key"; fi
grep -q "error: \[ssl\] key_file = .*other.key is not the key of the certificate" "$WORK/bad.log" || { cat "$WORK/bad.log" >&2; fail "no clear error"; }
! grep -q "	at " "$WORK/bad.log" || { cat "$WORK/bad.log" >&2; fail "a stack trace instead of a message"; }

step "start hearth serve on $URL"
conf "$WORK/ca/server.key" > "$WORK/hearth.conf"
serve "$WORK/hearth.conf"
grep -q "hearth: listening on https://" "$WORK/server.log" || fail "the server does not say it listens on https"

CINDER=(cinder --os-cacert "$WORK/ca/ca.pem" --os-auth-type noauth --os-user-id admin --os-project-id "$PROJECT"
  --os-endpoint "$URL/v3/$PROJECT")
OPENSTACK=(openstack --os-cacert "$WORK/ca/ca.pem" --os-auth-type none --os-endpoint "$URL/v3/$PROJECT")

step "cinder --os-cacert create, list"
"${CINDER[@]}" create --name tls-volume 1 > "$WORK/create.out" || fail "cinder create over https"
# Output is captured before it is searched: `client | grep -q` can end the client with a broken pipe (pipefail).
LISTED="$("${CINDER[@]}" list)" || fail "cinder list over https"
grep -q tls-volume <<<"$LISTED" || fail "cinder list does not show the volume"

step "openstack --os-cacert volume list, volume backup list"
LISTED="$("${OPENSTACK[@]}" volume list -f value -c Name)" || fail "openstack volume list over https"
grep -q tls-volume <<<"$LISTED" || fail "openstack volume list does not show the volume"
"${OPENSTACK[@]}" volume backup list -f json > "$WORK/backups.json" || fail "openstack volume backup list over https"

step "the hearth CLI with --os-cacert, and with OS_CACERT"
LISTED="$("$ROOT/bin/hearth" volume list --url "$URL" --token "admin:$PROJECT" --os-cacert "$WORK/ca/ca.pem")" \
  || fail "hearth volume list --os-cacert over https"
grep -q tls-volume <<<"$LISTED" || fail "hearth volume list --os-cacert does not show the volume"
LISTED="$(OS_CACERT="$WORK/ca/ca.pem" "$ROOT/bin/hearth" volume list --url "$URL" --token "admin:$PROJECT")" \
  || fail "hearth volume list with OS_CACERT over https"
grep -q tls-volume <<<"$LISTED" || fail "hearth volume list with OS_CACERT does not show the volume"

step "a client without the CA is refused"
if openstack --os-auth-type none --os-endpoint "$URL/v3/$PROJECT" volume list > "$WORK/untrusted.out" 2>&1; then
  fail "openstack trusted a certificate of an unknown CA"
fi
grep -qi "certificate" "$WORK/untrusted.out" || { cat "$WORK/untrusted.out" >&2; fail "the refusal does not say why"; }

step "plain HTTP on the HTTPS port gets no answer"
STATUS="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "X-Auth-Token: admin:$PROJECT" "http://127.0.0.1:$PORT/v3/$PROJECT/volumes" || true)"
[[ $STATUS == 000 ]] || fail "plain HTTP got status $STATUS"

echo "tls scenario: all steps passed"
