/**
 * JWT verification after RFC 8725 that also consults the revocation list: {@link
 * io.authstore.jwt.JwtVerifier} with its {@link io.authstore.jwt.JwtVerifierOptions}, and {@link
 * io.authstore.jwt.JwtAuthenticationFilter}, a Jakarta Servlet filter around it.
 */
package io.authstore.jwt;
