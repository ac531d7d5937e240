"""重大科技项目: calls, applications, review, running projects, acceptance, exemption, security warning."""
