"""XML-RPC for desktop editors: MetaWeblog, Blogger 1.0 and the WordPress methods
(`methods`, `wordpress`), answered by `server` at /xmlrpc.php and /xmlrpc."""
