// "复制到草稿": hands the paragraph (with its source) to the compose page.
// The compose page listens for the "insights:copy-paragraph" event and adds a row; if
// nothing handles it, the text goes to the clipboard so it can be pasted by hand.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy-paragraph");
  if (!button) return;
  var detail = {
    text: button.dataset.text,
    kind: button.dataset.kind,
    part: button.dataset.part,
    level: button.dataset.level ? Number(button.dataset.level) : null,
    sourceReplyId: Number(button.dataset.sourceReply),
    sourceParagraphId: Number(button.dataset.sourceParagraph),
    sourceUnitId: Number(button.dataset.sourceUnit),
    sourceDocNumber: button.dataset.sourceDoc
  };
  var handled = !document.dispatchEvent(
    new CustomEvent("insights:copy-paragraph", { detail: detail, cancelable: true })
  );
  if (!handled && navigator.clipboard) navigator.clipboard.writeText(detail.text);
  button.textContent = "已复制";
});
