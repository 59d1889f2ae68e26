def site_shell(request):
    """Values every page template needs (the language switcher reads the current path)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
