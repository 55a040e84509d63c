/**
 * What every authstore store shares: the exception hierarchy and the {@link
 * io.authstore.StoreListener} metrics hook. The stores themselves are in {@link
 * io.authstore.revocation} and {@link io.authstore.ticket}.
 */
package io.authstore;
