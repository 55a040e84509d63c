/**
 * The JWT revocation list: {@link io.authstore.revocation.RevocationStore} and its in-memory
 * backend {@link io.authstore.revocation.InMemoryRevocationStore}.
 */
package io.authstore.revocation;
