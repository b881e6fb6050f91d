/* The word counter of diary/words.py, step for step: words a reader sees in the rendered Markdown.
 * See docs/writing.md for the rule; diary/tests/word_count_examples.json holds the examples both pass.
 */
(function () {
  "use strict";

  var INVISIBLE = [
    /<!--[\s\S]*?(?:-->|$(?![\s\S]))/g,
    /<(script|style)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$(?![\s\S]))/gi,
    /<\/?[A-Za-z][^>]*>/g,
    /^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$/gm,
    /\]\([^)\s]*(?:\s+"[^"]*")?\)/g,
    /\]\[[^\]\n]*\]/g,
    /^[ \t]{0,3}(?:```|~~~).*$/gm,
  ];
  var WORD = /[\p{L}\p{N}]+(?:(?:['\u2019_-]|(?<=\p{Nd})[.,:](?=\p{Nd}))[\p{L}\p{N}]+)*/gu;

  function visibleText(text) {
    return INVISIBLE.reduce(function (current, pattern) {
      return current.replace(pattern, " ");
    }, text || "");
  }

  function wordCount(text) {
    var words = visibleText(text).match(WORD);
    return words ? words.length : 0;
  }

  window.journalWords = { count: wordCount, visibleText: visibleText };
})();
