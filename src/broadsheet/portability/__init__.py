"""Import and export: Blogger backups, WordPress WXR files and Broadsheet's own backup."""
