"""The security headers every answer carries."""


def security_header_problems(response) -> list[str]:
    """What is missing from `response`'s security headers (CSP without inline script, frame-ancestors,
    nosniff, Referrer-Policy); empty when nothing is."""
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    problems = []
    if "'unsafe-inline'" in directives.get("script-src", ["'unsafe-inline'"]):
        problems.append("CSP allows inline script")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append("CSP without frame-ancestors 'none'")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if not headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    return problems
