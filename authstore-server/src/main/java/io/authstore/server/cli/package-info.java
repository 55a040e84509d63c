/**
 * Admin commands of the {@code authstore} command line ({@code revoke}, {@code check}, {@code
 * revoke-subject}, {@code ticket issue}, {@code ticket consume}, {@code status}): each calls a
 * running server over HTTP and maps its answer to an exit code of {@link io.authstore.server.Main}.
 * The command classes are public only so that {@code Main} can register them.
 */
package io.authstore.server.cli;
