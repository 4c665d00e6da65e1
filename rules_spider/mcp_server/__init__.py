"""The MCP server (``scrapy mcp``): assistants search a catalog's reviewed rules, ask which rules apply
to a file, read each source's rule file, and report how a rule did."""
