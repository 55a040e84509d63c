/**
 * Shared by authstore's own modules, not API: may change in any release without notice.
 * Applications must not use these types.
 */
package io.authstore.internal;
