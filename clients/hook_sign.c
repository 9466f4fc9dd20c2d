/* Standard Webhooks signatures (https://www.standardwebhooks.com), through libsodium. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "hook.h"

#define SECRET_PREFIX "whsec_"

int hook_sign_secret(const char *text, unsigned char *key, size_t *keylen, char *why, size_t whylen)
{
	/* Room past the longest key, so that a longer one is told apart from bad base64. */
	unsigned char bin[2 * HOOK_KEY_MAX];
	size_t n = 0, plen = strlen(SECRET_PREFIX);
	int rc = -DOCKET_ECONFIG;

	if (strncmp(text, SECRET_PREFIX, plen) != 0) {
		snprintf(why, whylen, "must be \"%s\" followed by base64", SECRET_PREFIX);
		return rc;
	}
	text += plen;
	/* Secrets are written with padding; one copied without it is still the same key. */
	if (sodium_base642bin(bin, sizeof bin, text, strlen(text), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 &&
	    sodium_base642bin(bin, sizeof bin, text, strlen(text), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0) {
		snprintf(why, whylen, "is not \"%s\" followed by base64", SECRET_PREFIX);
		goto out;
	}
	if (n < HOOK_KEY_MIN || n > HOOK_KEY_MAX) {
		snprintf(
		    why, whylen,
		    "must decode to %d to %d bytes, not %zu (openssl rand -base64 32 makes one)",
		    HOOK_KEY_MIN, HOOK_KEY_MAX, n);
		goto out;
	}
	memcpy(key, bin, n);
	*keylen = n;
	rc = 0;
out:
	sodium_memzero(bin, sizeof bin);
	return rc;
}

int hook_sign(const unsigned char *key, size_t keylen, const char *id, int64_t timestamp,
              const char *body, size_t len, char *out, size_t outlen)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24];
	const size_t b64 = sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_ORIGINAL);

	if (outlen < 3 + b64)
		return -DOCKET_EINVAL;
	snprintf(ts, sizeof ts, "%" PRId64, timestamp);
	/* The streaming form takes a key of any length; crypto_auth_hmacsha256 wants 32 bytes. */
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)id, strlen(id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
	memcpy(out, "v1,", 3);
	sodium_bin2base64(out + 3, outlen - 3, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	return 0;
}
