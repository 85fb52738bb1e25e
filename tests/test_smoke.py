async def test_viewer_reads_but_cannot_save(viewer, jp_root_dir):
    (jp_root_dir / "a.txt").write_text("hello")
    status, model = await viewer.get("api", "contents", "a.txt")
    assert status == 200 and model["content"] == "hello"
    status, error = await viewer.put(
        "api", "contents", "a.txt", body={"type": "file", "format": "text", "content": "x"}
    )
    assert status == 403, error
    assert error["missing_scope"] == "write:contents"
